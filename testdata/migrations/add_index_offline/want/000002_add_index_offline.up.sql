-- Migration 000002 add_index_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create index "accounts_user_balance_idx" to table: "accounts"
CREATE INDEX "accounts_user_balance_idx" ON "accounts" ("user_id", "balance");
-- create index "accounts_balance_idx" to table: "accounts"
CREATE INDEX "accounts_balance_idx" ON "accounts" ("balance") WHERE balance > 0;
