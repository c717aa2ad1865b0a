-- Migration 000002 rename_table_column_and_label, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename primary key "users_pkey" of table "members" to "members_pkey"
ALTER INDEX "members_pkey" RENAME TO "users_pkey";
-- reverse: rename sequence "users_id_seq" of "members"."id" to "members_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"members"', 'id')::regclass = to_regclass('"members_id_seq"') AND to_regclass('"users_id_seq"') IS NULL THEN ALTER SEQUENCE "members_id_seq" RENAME TO "users_id_seq"; END IF; END $cpcgen$;
-- reverse: rename a column from "score" to "points"
ALTER TABLE "members" RENAME COLUMN "points" TO "score";
-- reverse: rename a table from "users" to "members"
ALTER TABLE "members" RENAME TO "users";
-- reverse: rename value "old" of enum type "kind" to "legacy"
ALTER TYPE "kind" RENAME VALUE 'legacy' TO 'old';
