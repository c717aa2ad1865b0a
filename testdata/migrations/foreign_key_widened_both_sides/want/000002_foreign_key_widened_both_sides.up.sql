-- Migration 000002 foreign_key_widened_both_sides, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration foreign_key_widened_both_sides: the schema changes, in one transaction

-- modify "entries" table
ALTER TABLE "entries" DROP CONSTRAINT "entries_account_id_fkey";
-- modify "accounts" table
ALTER TABLE "accounts" ALTER COLUMN "id" TYPE bigint;
-- modify "entries" table
ALTER TABLE "entries" ALTER COLUMN "account_id" TYPE bigint, ADD
CONSTRAINT "entries_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
