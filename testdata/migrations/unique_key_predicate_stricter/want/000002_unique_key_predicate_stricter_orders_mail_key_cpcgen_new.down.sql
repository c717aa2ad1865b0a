-- Migration 000002 unique_key_predicate_stricter_orders_mail_key_cpcgen_new, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration unique_key_predicate_stricter: builds index "orders_mail_key_cpcgen_new" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "orders_mail_key_cpcgen_new" of table "orders" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "orders_mail_key_cpcgen_new";
