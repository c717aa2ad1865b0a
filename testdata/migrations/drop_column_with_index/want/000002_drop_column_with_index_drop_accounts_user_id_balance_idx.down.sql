-- Migration 000002 drop_column_with_index_drop_accounts_user_id_balance_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration drop_column_with_index: drops index "accounts_user_id_balance_idx" without blocking writes (DROP INDEX CONCURRENTLY, outside a transaction)

-- cpcgen:no-transaction
-- reverse: drop index "accounts_user_id_balance_idx" of table "accounts" without blocking writes
CREATE INDEX CONCURRENTLY "accounts_user_id_balance_idx" ON "accounts" ("user_id", "balance");
