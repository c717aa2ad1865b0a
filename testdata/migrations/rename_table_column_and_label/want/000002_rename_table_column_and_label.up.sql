-- Migration 000002 rename_table_column_and_label, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename value "old" of enum type "kind" to "legacy"
ALTER TYPE "kind" RENAME VALUE 'old' TO 'legacy';
-- rename a table from "users" to "members"
ALTER TABLE "users" RENAME TO "members";
-- rename a column from "score" to "points"
ALTER TABLE "members" RENAME COLUMN "score" TO "points";
-- rename sequence "users_id_seq" of "members"."id" to "members_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"members"', 'id')::regclass = to_regclass('"users_id_seq"') AND to_regclass('"members_id_seq"') IS NULL THEN ALTER SEQUENCE "users_id_seq" RENAME TO "members_id_seq"; END IF; END $cpcgen$;
-- rename primary key "users_pkey" of table "members" to "members_pkey"
ALTER INDEX "users_pkey" RENAME TO "members_pkey";
