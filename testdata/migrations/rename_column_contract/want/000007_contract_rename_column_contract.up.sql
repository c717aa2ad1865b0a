-- Migration 000007 contract_rename_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop trigger "users_about_sync", which kept "users"."bio" and "about" equal
DROP TRIGGER IF EXISTS "users_about_sync" ON "users";
-- drop function "users_about_sync"
DROP FUNCTION IF EXISTS "users_about_sync"();
-- drop column "users"."bio", renamed to "about" by migration 000002
ALTER TABLE "users" DROP COLUMN "bio";
-- drop trigger "users_login_sync", which kept "users"."username" and "login" equal
DROP TRIGGER IF EXISTS "users_login_sync" ON "users";
-- drop function "users_login_sync"
DROP FUNCTION IF EXISTS "users_login_sync"();
-- drop column "users"."username", renamed to "login" by migration 000002
ALTER TABLE "users" DROP COLUMN "username";
