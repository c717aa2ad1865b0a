-- Migration 000005 keyless_volatile_default_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 4 of migration keyless_volatile_default: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- reverse: drop the check "runs_id_not_null", which NOT NULL now does
ALTER TABLE "runs" ADD CONSTRAINT "runs_id_not_null" CHECK ("id" IS NOT NULL) NOT VALID;
-- reverse: set NOT NULL on "runs"."id": the validated check spares the scan
ALTER TABLE "runs" ALTER COLUMN "id" DROP NOT NULL;
