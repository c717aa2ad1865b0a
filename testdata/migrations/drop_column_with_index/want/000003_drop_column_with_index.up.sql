-- Migration 000003 drop_column_with_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration drop_column_with_index: the schema changes, in one transaction

-- modify "accounts" table
ALTER TABLE "accounts" DROP COLUMN "user_id";
