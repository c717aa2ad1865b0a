-- Migration 000002 set_not_null_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ALTER COLUMN "bio" SET NOT NULL;
