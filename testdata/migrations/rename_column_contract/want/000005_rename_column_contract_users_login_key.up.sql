-- Migration 000005 rename_column_contract_users_login_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 5 of migration rename_column_contract: builds index "users_login_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "users_login_key" of table "users" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "users_login_key" ON "users" ("login");
