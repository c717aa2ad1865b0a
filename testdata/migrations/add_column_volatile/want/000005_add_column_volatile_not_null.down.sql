-- Migration 000005 add_column_volatile_not_null, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 5 of migration add_column_volatile: refuses NULL, for new rows, in the columns the backfill filled (NOT VALID checks, validated by the next step)

-- reverse: refuse NULL in "users"."token" for new rows; the existing rows are checked by the validate step
ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_token_not_null";
