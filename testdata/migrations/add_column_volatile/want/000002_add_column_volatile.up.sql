-- Migration 000002 add_column_volatile, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 5 of migration add_column_volatile: the schema changes, in one transaction

-- modify "users" table
ALTER TABLE "users" ADD COLUMN "token" uuid NULL, ADD COLUMN "ref" uuid NULL;
-- give new rows of "users" a value of "token"; the existing rows are filled by a backfill
ALTER TABLE "users" ALTER COLUMN "token" SET DEFAULT gen_random_uuid();
-- give new rows of "users" a value of "ref"; the existing rows are filled by a backfill
ALTER TABLE "users" ALTER COLUMN "ref" SET DEFAULT gen_random_uuid();
