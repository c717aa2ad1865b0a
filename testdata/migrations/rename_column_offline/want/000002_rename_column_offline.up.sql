-- Migration 000002 rename_column_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename a column from "username" to "login"
ALTER TABLE "users" RENAME COLUMN "username" TO "login";
-- rename a column from "bio" to "about"
ALTER TABLE "users" RENAME COLUMN "bio" TO "about";
-- rename an index from "users_username_key" to "users_login_key"
ALTER INDEX "users_username_key" RENAME TO "users_login_key";
