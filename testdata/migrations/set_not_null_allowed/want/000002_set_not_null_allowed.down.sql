-- Migration 000002 set_not_null_allowed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration set_not_null_allowed: the schema changes, in one transaction

-- reverse: refuse NULL in "users"."bio" for new rows; the existing rows are checked by the validate step
ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_bio_not_null";
