-- Migration 000002 drop_table_referencing_dropped_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop policy "cpcgen_tenant" on table "tasks"
DROP POLICY "cpcgen_tenant" ON "tasks";
-- stop applying row-level security to the owner of table "tasks"
ALTER TABLE "tasks" NO FORCE ROW LEVEL SECURITY;
-- disable row-level security on table "tasks"
ALTER TABLE "tasks" DISABLE ROW LEVEL SECURITY;
-- drop "tokens" table
DROP TABLE "tokens";
-- drop index "clients_id_uq" from table: "clients"
DROP INDEX "clients_id_uq";
-- drop "tasks" table
DROP TABLE "tasks";
-- modify "projects" table
ALTER TABLE "projects" DROP CONSTRAINT "projects_org_id_id_key";
