-- Migration 000002 table_replaced_keeps_key_names, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration table_replaced_keeps_key_names: the schema changes, in one transaction

-- modify "transfers" table
ALTER TABLE "transfers" DROP CONSTRAINT "transfers_account_code_fkey";
-- drop "accounts" table
DROP TABLE "accounts";
-- create "ledger_accounts" table
CREATE TABLE "ledger_accounts" (
  "id" bigint NOT NULL,
  "code" text NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "accounts_code_key" UNIQUE ("code")
);
-- modify "transfers" table
ALTER TABLE "transfers" ADD
CONSTRAINT "transfers_account_code_fkey" FOREIGN KEY ("account_code") REFERENCES "ledger_accounts" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
-- create primary key name "accounts_pkey" on "ledger_accounts"
-- PRIMARY KEY ("id")
ALTER TABLE "ledger_accounts" RENAME CONSTRAINT "ledger_accounts_pkey" TO "accounts_pkey";
