-- Migration 000002 add_column_volatile, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 4 of migration add_column_volatile: the schema changes, in one transaction

-- reverse: give new rows of "users" a value of "ref"; the existing rows are filled by a backfill
ALTER TABLE "users" ALTER COLUMN "ref" DROP DEFAULT;
-- reverse: refuse NULL in "users"."token" for new rows; the existing rows are checked by the validate step
ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_token_not_null";
-- reverse: give new rows of "users" a value of "token"; the existing rows are filled by a backfill
ALTER TABLE "users" ALTER COLUMN "token" DROP DEFAULT;
-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "ref", DROP COLUMN "token";
