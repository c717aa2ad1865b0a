-- Migration 000002 online_golang_migrate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 4 of migration online_golang_migrate: the schema changes, in one transaction

-- reverse: keep "users"."bio" and "about" equal on every insert and update
DROP TRIGGER IF EXISTS "users_about_sync" ON "users";
-- reverse: create function "users_about_sync" copying "users"."bio" and "about" into each other, whichever a statement writes
DROP FUNCTION IF EXISTS "users_about_sync"();
-- reverse: modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_balance_check";
-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "about";
