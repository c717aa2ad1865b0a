-- Migration 000002 rename_column_constraint_to_index_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create index "members_org_id_handle_key" to table: "members"
DROP INDEX "members_org_id_handle_key";
-- reverse: modify "members" table
ALTER TABLE "members" ADD CONSTRAINT "members_org_id_nick_key" UNIQUE ("org_id", "handle");
-- reverse: rename a column from "nick" to "handle"
ALTER TABLE "members" RENAME COLUMN "handle" TO "nick";
