-- Migration 000002 rename_column_drop_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop index "members_handle_idx" from table: "members"
CREATE INDEX "members_handle_idx" ON "members" ("nick");
-- reverse: drop index "members_org_id_handle_key" from table: "members"
CREATE UNIQUE INDEX "members_org_id_handle_key" ON "members" ("org_id", "nick");
-- reverse: rename a column from "handle" to "nick"
ALTER TABLE "members" RENAME COLUMN "nick" TO "handle";
