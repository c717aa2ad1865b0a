-- Migration 000002 rename_column_constraint_to_index_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename a column from "nick" to "handle"
ALTER TABLE "members" RENAME COLUMN "nick" TO "handle";
-- modify "members" table
ALTER TABLE "members" DROP CONSTRAINT "members_org_id_nick_key";
-- create index "members_org_id_handle_key" to table: "members"
CREATE UNIQUE INDEX "members_org_id_handle_key" ON "members" ("org_id", "handle");
