-- Migration 000002 add_column_volatile, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 5 of migration add_column_volatile: the schema changes, in one transaction

-- reverse: give new rows of "users" a value of "ref"; the existing rows are filled by a backfill
ALTER TABLE "users" ALTER COLUMN "ref" DROP DEFAULT;
-- reverse: give new rows of "users" a value of "token"; the existing rows are filled by a backfill
ALTER TABLE "users" ALTER COLUMN "token" DROP DEFAULT;
-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "ref", DROP COLUMN "token";
