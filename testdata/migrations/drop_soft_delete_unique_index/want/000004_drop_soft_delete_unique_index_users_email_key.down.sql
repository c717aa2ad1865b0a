-- Migration 000004 drop_soft_delete_unique_index_users_email_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration drop_soft_delete_unique_index: builds index "users_email_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "users_email_key" of table "users" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "users_email_key";
