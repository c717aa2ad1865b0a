-- Migration 000002 rename_column_index_to_constraint, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename a column from "handle" to "nick"
ALTER TABLE "members" RENAME COLUMN "handle" TO "nick";
-- rename an index from "members_org_id_handle_key" to "members_org_id_nick_key"
ALTER INDEX "members_org_id_handle_key" RENAME TO "members_org_id_nick_key";
-- make unique index "members_org_id_nick_key" of table "members" a unique constraint
ALTER TABLE "members" ADD CONSTRAINT "members_org_id_nick_key" UNIQUE USING INDEX "members_org_id_nick_key";
