-- Migration 000002 citus_change, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: distribute table "tags" over the Citus cluster by "name"
SELECT undistribute_table('tags');
-- reverse: redistribute table "events" by "tenant_id" instead of "org_id" (Citus)
SELECT alter_distributed_table('events', distribution_column := 'org_id');
-- reverse: rename primary key "notes_pkey" of table "org_notes" to "org_notes_pkey"
ALTER INDEX "org_notes_pkey" RENAME TO "notes_pkey";
-- reverse: drop "legacy" table
CREATE TABLE "legacy" (
  "org_id" uuid NOT NULL,
  "id" uuid NOT NULL,
  PRIMARY KEY ("org_id", "id")
);
SELECT create_distributed_table('legacy', 'org_id');
-- reverse: rename a table from "notes" to "org_notes"
ALTER TABLE "org_notes" RENAME TO "notes";
-- reverse: undistribute table "tags" (Citus): gather its rows on the coordinator
SELECT create_reference_table('tags');
