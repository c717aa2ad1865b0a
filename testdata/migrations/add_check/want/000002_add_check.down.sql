-- Migration 000002 add_check, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_check: the schema changes, in one transaction

-- reverse: modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_balance_check";
