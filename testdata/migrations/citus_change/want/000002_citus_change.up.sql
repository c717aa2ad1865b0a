-- Migration 000002 citus_change, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- undistribute table "tags" (Citus): gather its rows on the coordinator
SELECT undistribute_table('tags');
-- rename a table from "notes" to "org_notes"
ALTER TABLE "notes" RENAME TO "org_notes";
-- drop "legacy" table
DROP TABLE "legacy";
-- rename primary key "notes_pkey" of table "org_notes" to "org_notes_pkey"
ALTER INDEX "notes_pkey" RENAME TO "org_notes_pkey";
-- redistribute table "events" by "tenant_id" instead of "org_id" (Citus)
SELECT alter_distributed_table('events', distribution_column := 'tenant_id');
-- distribute table "tags" over the Citus cluster by "name"
SELECT create_distributed_table('tags', 'name');
