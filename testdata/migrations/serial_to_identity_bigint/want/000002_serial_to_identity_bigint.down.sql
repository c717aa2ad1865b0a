-- Migration 000002 serial_to_identity_bigint, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: make column "user_id" of table "users" an identity column
ALTER TABLE "users" ALTER COLUMN "user_id" DROP IDENTITY;
-- reverse: drop sequence used by serial column "user_id"
CREATE SEQUENCE IF NOT EXISTS "users_user_id_seq" AS integer OWNED BY "users"."user_id";
-- reverse: modify "users" table
ALTER TABLE "users" ALTER COLUMN "user_id" SET DEFAULT nextval('"users_user_id_seq"'), ALTER COLUMN "user_id" TYPE integer;
SELECT setval('"users_user_id_seq"', coalesce(max("user_id"), 0) + 1, false) FROM "users";
