-- Migration 000001 init, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to column: "amount" on table: "ledger_entries"
COMMENT ON COLUMN "ledger_entries"."amount" IS '';
-- reverse: set comment to column: "kind" on table: "ledger_entries"
COMMENT ON COLUMN "ledger_entries"."kind" IS '';
-- reverse: set comment to column: "user_id" on table: "ledger_entries"
COMMENT ON COLUMN "ledger_entries"."user_id" IS '';
-- reverse: set comment to table: "ledger_entries"
COMMENT ON TABLE "ledger_entries" IS '';
-- reverse: create index "ledger_entries_user_id_created_at_id_idx" to table: "ledger_entries"
DROP INDEX "ledger_entries_user_id_created_at_id_idx";
-- reverse: create index "ledger_entries_account_id_created_at_idx" to table: "ledger_entries"
DROP INDEX "ledger_entries_account_id_created_at_idx";
-- reverse: create "ledger_entries" table
DROP TABLE "ledger_entries";
-- reverse: set comment to column: "idempotency_key" on table: "transactions"
COMMENT ON COLUMN "transactions"."idempotency_key" IS '';
-- reverse: set comment to column: "to_account_id" on table: "transactions"
COMMENT ON COLUMN "transactions"."to_account_id" IS '';
-- reverse: set comment to column: "from_account_id" on table: "transactions"
COMMENT ON COLUMN "transactions"."from_account_id" IS '';
-- reverse: set comment to column: "user_id" on table: "transactions"
COMMENT ON COLUMN "transactions"."user_id" IS '';
-- reverse: set comment to table: "transactions"
COMMENT ON TABLE "transactions" IS '';
-- reverse: create "transactions" table
DROP TABLE "transactions";
-- reverse: set comment to table: "accounts"
COMMENT ON TABLE "accounts" IS '';
-- reverse: create index "accounts_user_id_name_key" to table: "accounts"
DROP INDEX "accounts_user_id_name_key";
-- reverse: create "accounts" table
DROP TABLE "accounts";
-- reverse: set comment to table: "users"
COMMENT ON TABLE "users" IS '';
-- reverse: create "users" table
DROP TABLE "users";
-- reverse: create enum type "transaction_kind"
DROP TYPE "transaction_kind";
-- reverse: create enum type "currency"
DROP TYPE "currency";
