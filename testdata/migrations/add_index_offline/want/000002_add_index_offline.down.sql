-- Migration 000002 add_index_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create index "accounts_balance_idx" to table: "accounts"
DROP INDEX "accounts_balance_idx";
-- reverse: create index "accounts_user_balance_idx" to table: "accounts"
DROP INDEX "accounts_user_balance_idx";
