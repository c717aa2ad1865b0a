-- Migration 000003 add_index_accounts_balance_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_index: builds index "accounts_balance_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "accounts_balance_idx" of table "accounts" without blocking writes
CREATE INDEX CONCURRENTLY "accounts_balance_idx" ON "accounts" ("balance") WHERE balance > 0;
