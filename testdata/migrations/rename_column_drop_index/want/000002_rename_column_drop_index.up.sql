-- Migration 000002 rename_column_drop_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename a column from "handle" to "nick"
ALTER TABLE "members" RENAME COLUMN "handle" TO "nick";
-- drop index "members_org_id_handle_key" from table: "members"
DROP INDEX "members_org_id_handle_key";
-- drop index "members_handle_idx" from table: "members"
DROP INDEX "members_handle_idx";
