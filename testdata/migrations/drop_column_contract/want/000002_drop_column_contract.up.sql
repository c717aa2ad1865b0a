-- Migration 000002 drop_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ALTER COLUMN "nickname" DROP NOT NULL;
