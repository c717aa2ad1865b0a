-- Migration 000003 unique_key_predicate_stricter_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration unique_key_predicate_stricter: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- drop index "orders_mail_key" of table "orders" as it was
DROP INDEX "orders_mail_key";
-- give index "orders_mail_key_cpcgen_new" of table "orders" its name
ALTER INDEX "orders_mail_key_cpcgen_new" RENAME TO "orders_mail_key";
