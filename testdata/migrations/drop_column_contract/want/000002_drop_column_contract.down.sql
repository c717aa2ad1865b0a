-- Migration 000002 drop_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: give "users"."nickname", which the new code no longer writes, a default until the contract drops it
ALTER TABLE "users" ALTER COLUMN "nickname" DROP DEFAULT;
