-- Migration 000003 drop_soft_delete_unique_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration drop_soft_delete_unique_index: the schema changes, in one transaction

-- reverse: modify "users" table
ALTER TABLE "users" ADD COLUMN "deleted_at" timestamptz NULL;
