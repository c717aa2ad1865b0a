-- Migration 000002 drop_not_null, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "users" table
ALTER TABLE "users" ALTER COLUMN "bio" SET NOT NULL;
