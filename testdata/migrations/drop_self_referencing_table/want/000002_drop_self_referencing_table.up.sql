-- Migration 000002 drop_self_referencing_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "tasks" table
ALTER TABLE "tasks" DROP CONSTRAINT "tasks_project_id_fkey";
-- drop "tasks" table
DROP TABLE "tasks";
