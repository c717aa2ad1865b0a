-- Migration 000006 rename_column_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 5 of 5 of migration rename_column: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- reverse: make the unique index "users_login_key" the unique constraint of table "users"
ALTER TABLE "users" DROP CONSTRAINT "users_login_key";
CREATE UNIQUE INDEX "users_login_key" ON "users" ("login");
-- reverse: drop the check "users_login_not_null", which NOT NULL now does
ALTER TABLE "users" ADD CONSTRAINT "users_login_not_null" CHECK ("login" IS NOT NULL) NOT VALID;
-- reverse: set NOT NULL on "users"."login": the validated check spares the scan
ALTER TABLE "users" ALTER COLUMN "login" DROP NOT NULL;
