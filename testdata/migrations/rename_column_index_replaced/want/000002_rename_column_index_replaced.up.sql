-- Migration 000002 rename_column_index_replaced, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration rename_column_index_replaced: the schema changes, in one transaction

-- rename a column from "done" to "completed"
ALTER TABLE "tasks" RENAME COLUMN "done" TO "completed";
-- rename a column from "owner" to "assignee"
ALTER TABLE "tasks" RENAME COLUMN "owner" TO "assignee";
-- drop index "tasks_owner_idx" from table: "tasks"
DROP INDEX "tasks_owner_idx";
-- modify "tasks" table
ALTER TABLE "tasks" ALTER COLUMN "completed" DROP NOT NULL, ALTER COLUMN "completed" SET DEFAULT TRUE;
