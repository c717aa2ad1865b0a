-- Migration 000002 drop_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "users" table
ALTER TABLE "users" ALTER COLUMN "nickname" SET NOT NULL;
