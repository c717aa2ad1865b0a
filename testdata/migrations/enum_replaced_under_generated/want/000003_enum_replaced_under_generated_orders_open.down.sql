-- Migration 000003 enum_replaced_under_generated_orders_open, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration enum_replaced_under_generated: builds index "orders_open" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "orders_open" of table "orders" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "orders_open";
