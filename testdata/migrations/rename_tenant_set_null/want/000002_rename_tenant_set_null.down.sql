-- Migration 000002 rename_tenant_set_null, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename constraint "users_team_id_fkey" of table "users" to "users_group_id_fkey"
ALTER TABLE "users" RENAME CONSTRAINT "users_group_id_fkey" TO "users_team_id_fkey";
-- reverse: set comment to table: "users"
COMMENT ON TABLE "users" IS NULL;
-- reverse: rename a column from "team_id" to "group_id"
ALTER TABLE "users" RENAME COLUMN "group_id" TO "team_id";
