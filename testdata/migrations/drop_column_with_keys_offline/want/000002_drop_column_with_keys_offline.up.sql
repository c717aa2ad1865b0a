-- Migration 000002 drop_column_with_keys_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "children" table
ALTER TABLE "children" DROP CONSTRAINT "children_rank_check", DROP CONSTRAINT "children_parent_fk", DROP COLUMN "old_parent", DROP COLUMN "owner", DROP COLUMN "code", DROP COLUMN "rank", ADD COLUMN "new_parent" uuid NOT NULL, ADD
CONSTRAINT "children_parent_fk" FOREIGN KEY ("new_parent") REFERENCES "parents" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;
