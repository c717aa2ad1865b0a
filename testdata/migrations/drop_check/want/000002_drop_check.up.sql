-- Migration 000002 drop_check, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_balance_check";
