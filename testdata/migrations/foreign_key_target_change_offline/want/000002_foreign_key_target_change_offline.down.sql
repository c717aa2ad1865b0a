-- Migration 000002 foreign_key_target_change_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop "old_parents" table
CREATE TABLE "old_parents" (
  "id" uuid NOT NULL,
  PRIMARY KEY ("id")
);
-- reverse: modify "children" table
ALTER TABLE "children" DROP CONSTRAINT "children_parent_id_fkey", ADD
CONSTRAINT "children_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "old_parents" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;
-- reverse: create "new_parents" table
DROP TABLE "new_parents";
