-- Migration 000006 add_column_volatile_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 5 of 5 of migration add_column_volatile: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- check that no row of "users" holds NULL in "token", without blocking writes
ALTER TABLE "users" VALIDATE CONSTRAINT "users_token_not_null";
-- set NOT NULL on "users"."token": the validated check spares the scan
ALTER TABLE "users" ALTER COLUMN "token" SET NOT NULL;
-- drop the check "users_token_not_null", which NOT NULL now does
ALTER TABLE "users" DROP CONSTRAINT "users_token_not_null";
