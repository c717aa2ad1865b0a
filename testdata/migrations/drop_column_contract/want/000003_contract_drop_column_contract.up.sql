-- Migration 000003 contract_drop_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" DROP COLUMN "nickname";
