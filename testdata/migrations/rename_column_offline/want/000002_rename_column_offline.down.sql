-- Migration 000002 rename_column_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename an index from "users_username_key" to "users_login_key"
ALTER INDEX "users_login_key" RENAME TO "users_username_key";
-- reverse: rename a column from "bio" to "about"
ALTER TABLE "users" RENAME COLUMN "about" TO "bio";
-- reverse: rename a column from "username" to "login"
ALTER TABLE "users" RENAME COLUMN "login" TO "username";
