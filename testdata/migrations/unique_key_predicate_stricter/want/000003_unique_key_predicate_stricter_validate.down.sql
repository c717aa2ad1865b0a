-- Migration 000003 unique_key_predicate_stricter_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration unique_key_predicate_stricter: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- reverse: give index "orders_mail_key_cpcgen_new" of table "orders" its name
ALTER INDEX "orders_mail_key" RENAME TO "orders_mail_key_cpcgen_new";
-- reverse: drop index "orders_mail_key" of table "orders" as it was
CREATE UNIQUE INDEX "orders_mail_key" ON "orders" ("mail") WHERE qty IS NOT NULL;
