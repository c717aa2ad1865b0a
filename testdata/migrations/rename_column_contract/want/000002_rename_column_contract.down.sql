-- Migration 000002 rename_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 5 of migration rename_column_contract: the schema changes, in one transaction

-- reverse: keep "users"."bio" and "about" equal on every insert and update
DROP TRIGGER IF EXISTS "users_about_sync" ON "users";
-- reverse: create function "users_about_sync" copying "users"."bio" and "about" into each other, whichever a statement writes
DROP FUNCTION IF EXISTS "users_about_sync"();
-- reverse: refuse NULL in "users"."login" for new rows; the existing rows are checked by the validate step
ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_login_not_null";
-- reverse: keep "users"."username" and "login" equal on every insert and update
DROP TRIGGER IF EXISTS "users_login_sync" ON "users";
-- reverse: create function "users_login_sync" copying "users"."username" and "login" into each other, whichever a statement writes
DROP FUNCTION IF EXISTS "users_login_sync"();
-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "about", DROP COLUMN "login";
