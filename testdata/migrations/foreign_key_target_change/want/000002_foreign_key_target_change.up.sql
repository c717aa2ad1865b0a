-- Migration 000002 foreign_key_target_change, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration foreign_key_target_change: the schema changes, in one transaction

-- create "new_parents" table
CREATE TABLE "new_parents" (
  "id" uuid NOT NULL,
  PRIMARY KEY ("id")
);
-- modify "children" table
ALTER TABLE "children" DROP CONSTRAINT "children_parent_id_fkey", ADD
CONSTRAINT "children_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "new_parents" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
-- drop "old_parents" table
DROP TABLE "old_parents";
