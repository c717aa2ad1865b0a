-- Migration 000002 rename_column_drop_comment, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to column: "about" on table: "users"
COMMENT ON COLUMN "users"."about" IS 'Shown on the profile.';
-- reverse: set comment to column: "login" on table: "users"
COMMENT ON COLUMN "users"."login" IS 'The name the user signs in with.';
-- reverse: rename a column from "bio" to "about"
ALTER TABLE "users" RENAME COLUMN "about" TO "bio";
-- reverse: rename a column from "username" to "login"
ALTER TABLE "users" RENAME COLUMN "login" TO "username";
