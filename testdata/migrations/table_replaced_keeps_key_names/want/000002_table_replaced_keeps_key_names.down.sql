-- Migration 000002 table_replaced_keeps_key_names, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration table_replaced_keeps_key_names: the schema changes, in one transaction

-- reverse: create primary key name "accounts_pkey" on "ledger_accounts"
ALTER TABLE "ledger_accounts" RENAME CONSTRAINT "accounts_pkey" TO "ledger_accounts_pkey";
-- reverse: modify "transfers" table
ALTER TABLE "transfers" DROP CONSTRAINT "transfers_account_code_fkey";
-- reverse: create "ledger_accounts" table
DROP TABLE "ledger_accounts";
-- reverse: drop "accounts" table
CREATE TABLE "accounts" (
  "id" bigint NOT NULL,
  "code" text NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "accounts_code_key" UNIQUE ("code")
);
-- reverse: modify "transfers" table
ALTER TABLE "transfers" ADD
CONSTRAINT "transfers_account_code_fkey" FOREIGN KEY ("account_code") REFERENCES "accounts" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION;
