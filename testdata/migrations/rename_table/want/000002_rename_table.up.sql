-- Migration 000002 rename_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename a table from "users" to "members"
ALTER TABLE "users" RENAME TO "members";
-- rename sequence "users_id_seq" of "members"."id" to "members_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"members"', 'id')::regclass = to_regclass('"users_id_seq"') AND to_regclass('"members_id_seq"') IS NULL THEN ALTER SEQUENCE "users_id_seq" RENAME TO "members_id_seq"; END IF; END $cpcgen$;
-- rename an index from "users_username_key" to "members_username_key"
ALTER INDEX "users_username_key" RENAME TO "members_username_key";
-- rename primary key "users_pkey" of table "members" to "members_pkey"
ALTER INDEX "users_pkey" RENAME TO "members_pkey";
