-- Migration 000003 set_not_null_allowed_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration set_not_null_allowed: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- reverse: drop the check "users_bio_not_null", which NOT NULL now does
ALTER TABLE "users" ADD CONSTRAINT "users_bio_not_null" CHECK ("bio" IS NOT NULL) NOT VALID;
-- reverse: set NOT NULL on "users"."bio": the validated check spares the scan
ALTER TABLE "users" ALTER COLUMN "bio" DROP NOT NULL;
