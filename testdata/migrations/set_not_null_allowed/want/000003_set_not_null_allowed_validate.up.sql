-- Migration 000003 set_not_null_allowed_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration set_not_null_allowed: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- check that no row of "users" holds NULL in "bio", without blocking writes
ALTER TABLE "users" VALIDATE CONSTRAINT "users_bio_not_null";
-- set NOT NULL on "users"."bio": the validated check spares the scan
ALTER TABLE "users" ALTER COLUMN "bio" SET NOT NULL;
-- drop the check "users_bio_not_null", which NOT NULL now does
ALTER TABLE "users" DROP CONSTRAINT "users_bio_not_null";
