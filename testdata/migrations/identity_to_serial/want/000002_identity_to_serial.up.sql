-- Migration 000002 identity_to_serial, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- make identity column "user_id" of table "users" a plain column
ALTER TABLE "users" ALTER COLUMN "user_id" DROP IDENTITY;
-- create sequence for serial column "user_id"
CREATE SEQUENCE IF NOT EXISTS "users_user_id_seq" AS integer OWNED BY "users"."user_id";
-- create sequence for serial column "user_id"
SELECT setval('"users_user_id_seq"', coalesce(max("user_id"), 0) + 1, false) FROM "users";
-- modify "users" table
ALTER TABLE "users" ALTER COLUMN "user_id" SET DEFAULT nextval('"users_user_id_seq"');
