-- Migration 000002 rename_tables_with_dependents, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create view "user_posts" again
DROP VIEW user_posts;
-- reverse: rename primary key "events_pkey" of table "activity" to "activity_pkey"
ALTER INDEX "activity_pkey" RENAME TO "events_pkey";
-- reverse: rename primary key "users_pkey" of table "members" to "members_pkey"
ALTER INDEX "members_pkey" RENAME TO "users_pkey";
-- reverse: rename constraint "posts_user_id_fkey" of table "posts" to "posts_member_id_fkey"
ALTER TABLE "posts" RENAME CONSTRAINT "posts_member_id_fkey" TO "posts_user_id_fkey";
-- reverse: rename an index from "users_email_key" to "members_email_key"
ALTER INDEX "members_email_key" RENAME TO "users_email_key";
-- reverse: rename an index from "users_kind_idx" to "members_kind_idx"
ALTER INDEX "members_kind_idx" RENAME TO "users_kind_idx";
-- reverse: rename sequence "users_id_seq" of "members"."id" to "members_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"members"', 'id')::regclass = to_regclass('"members_id_seq"') AND to_regclass('"users_id_seq"') IS NULL THEN ALTER SEQUENCE "members_id_seq" RENAME TO "users_id_seq"; END IF; END $cpcgen$;
-- reverse: rename a table from "events" to "activity"
ALTER TABLE "activity" RENAME TO "events";
-- reverse: rename a column from "user_id" to "member_id"
ALTER TABLE "posts" RENAME COLUMN "member_id" TO "user_id";
-- reverse: rename a table from "users" to "members"
ALTER TABLE "members" RENAME TO "users";
-- reverse: drop view "user_posts", to create it again: its definition changed
CREATE VIEW user_posts AS SELECT u.email, p.body FROM users u JOIN posts p ON p.user_id = u.id;
