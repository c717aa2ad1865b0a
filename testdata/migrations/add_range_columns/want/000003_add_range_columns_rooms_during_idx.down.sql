-- Migration 000003 add_range_columns_rooms_during_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_range_columns: builds index "rooms_during_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "rooms_during_idx" of table "rooms" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "rooms_during_idx";
