-- Migration 000002 keyless_volatile_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 4 of migration keyless_volatile_default: the schema changes, in one transaction

-- modify "scripts" table
ALTER TABLE "scripts" ADD COLUMN "id" uuid NOT NULL DEFAULT gen_random_uuid();
-- modify "runs" table
ALTER TABLE "runs" ADD COLUMN "id" uuid NULL;
-- give new rows of "runs" a value of "id"; the existing rows are filled by a backfill
ALTER TABLE "runs" ALTER COLUMN "id" SET DEFAULT gen_random_uuid();
