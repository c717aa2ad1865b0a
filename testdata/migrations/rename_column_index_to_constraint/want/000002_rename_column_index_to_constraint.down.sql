-- Migration 000002 rename_column_index_to_constraint, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: make unique index "members_org_id_nick_key" of table "members" a unique constraint
ALTER TABLE "members" DROP CONSTRAINT "members_org_id_nick_key";
CREATE UNIQUE INDEX "members_org_id_nick_key" ON "members" ("org_id", "nick");
-- reverse: rename an index from "members_org_id_handle_key" to "members_org_id_nick_key"
ALTER INDEX "members_org_id_nick_key" RENAME TO "members_org_id_handle_key";
-- reverse: rename a column from "handle" to "nick"
ALTER TABLE "members" RENAME COLUMN "nick" TO "handle";
