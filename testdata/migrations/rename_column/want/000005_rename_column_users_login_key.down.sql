-- Migration 000005 rename_column_users_login_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 5 of migration rename_column: builds index "users_login_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "users_login_key" of table "users" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "users_login_key";
