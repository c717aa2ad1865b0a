-- Migration 000002 rename_column_constraint_to_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration rename_column_constraint_to_index: the schema changes, in one transaction

-- rename a column from "nick" to "handle"
ALTER TABLE "members" RENAME COLUMN "nick" TO "handle";
