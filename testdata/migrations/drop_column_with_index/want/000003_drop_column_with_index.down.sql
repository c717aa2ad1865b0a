-- Migration 000003 drop_column_with_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration drop_column_with_index: the schema changes, in one transaction

-- reverse: modify "accounts" table
ALTER TABLE "accounts" ADD COLUMN "user_id" bigint NOT NULL DEFAULT 0;
ALTER TABLE "accounts" ALTER COLUMN "user_id" DROP DEFAULT;
