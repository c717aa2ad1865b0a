-- Migration 000002 rename_tables_with_dependents, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop view "user_posts", to create it again: its definition changed
DROP VIEW user_posts;
-- rename a table from "users" to "members"
ALTER TABLE "users" RENAME TO "members";
-- rename a column from "user_id" to "member_id"
ALTER TABLE "posts" RENAME COLUMN "user_id" TO "member_id";
-- rename a table from "events" to "activity"
ALTER TABLE "events" RENAME TO "activity";
-- rename sequence "users_id_seq" of "members"."id" to "members_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"members"', 'id')::regclass = to_regclass('"users_id_seq"') AND to_regclass('"members_id_seq"') IS NULL THEN ALTER SEQUENCE "users_id_seq" RENAME TO "members_id_seq"; END IF; END $cpcgen$;
-- rename an index from "users_kind_idx" to "members_kind_idx"
ALTER INDEX "users_kind_idx" RENAME TO "members_kind_idx";
-- rename an index from "users_email_key" to "members_email_key"
ALTER INDEX "users_email_key" RENAME TO "members_email_key";
-- rename constraint "posts_user_id_fkey" of table "posts" to "posts_member_id_fkey"
ALTER TABLE "posts" RENAME CONSTRAINT "posts_user_id_fkey" TO "posts_member_id_fkey";
-- rename primary key "users_pkey" of table "members" to "members_pkey"
ALTER INDEX "users_pkey" RENAME TO "members_pkey";
-- rename primary key "events_pkey" of table "activity" to "activity_pkey"
ALTER INDEX "events_pkey" RENAME TO "activity_pkey";
-- create view "user_posts" again
CREATE VIEW user_posts AS SELECT u.email, p.body FROM members u JOIN posts p ON p.member_id = u.id;
