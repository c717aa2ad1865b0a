-- Migration 000004 keyless_volatile_default_not_null, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 4 of migration keyless_volatile_default: refuses NULL, for new rows, in the columns the backfill filled (NOT VALID checks, validated by the next step)

-- refuse NULL in "runs"."id" for new rows; the existing rows are checked by the validate step
ALTER TABLE "runs" ADD CONSTRAINT "runs_id_not_null" CHECK ("id" IS NOT NULL) NOT VALID;
