-- Migration 000002 add_index_accounts_user_balance_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_index: builds index "accounts_user_balance_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "accounts_user_balance_idx" of table "accounts" without blocking writes
CREATE INDEX CONCURRENTLY "accounts_user_balance_idx" ON "accounts" ("user_id", "balance");
