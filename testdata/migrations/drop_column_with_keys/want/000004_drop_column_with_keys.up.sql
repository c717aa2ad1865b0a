-- Migration 000004 drop_column_with_keys, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 4 of migration drop_column_with_keys: the schema changes, in one transaction

-- modify "children" table
ALTER TABLE "children" DROP CONSTRAINT "children_rank_check", DROP COLUMN "old_parent", DROP COLUMN "owner", DROP COLUMN "code", DROP COLUMN "rank", ADD COLUMN "new_parent" uuid NOT NULL, ADD
CONSTRAINT "children_parent_fk" FOREIGN KEY ("new_parent") REFERENCES "parents" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
