-- Migration 000002 rename_column_index_replaced, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration rename_column_index_replaced: the schema changes, in one transaction

-- reverse: modify "tasks" table
ALTER TABLE "tasks" ALTER COLUMN "completed" SET NOT NULL, ALTER COLUMN "completed" SET DEFAULT FALSE;
-- reverse: drop index "tasks_owner_idx" from table: "tasks"
CREATE INDEX "tasks_owner_idx" ON "tasks" ("assignee") WHERE NOT "completed";
-- reverse: rename a column from "owner" to "assignee"
ALTER TABLE "tasks" RENAME COLUMN "assignee" TO "owner";
-- reverse: rename a column from "done" to "completed"
ALTER TABLE "tasks" RENAME COLUMN "completed" TO "done";
