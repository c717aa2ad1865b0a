-- Migration 000006 add_column_volatile_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 5 of 5 of migration add_column_volatile: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- reverse: drop the check "users_token_not_null", which NOT NULL now does
ALTER TABLE "users" ADD CONSTRAINT "users_token_not_null" CHECK ("token" IS NOT NULL) NOT VALID;
-- reverse: set NOT NULL on "users"."token": the validated check spares the scan
ALTER TABLE "users" ALTER COLUMN "token" DROP NOT NULL;
