-- Migration 000002 not_null_with_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "country";
