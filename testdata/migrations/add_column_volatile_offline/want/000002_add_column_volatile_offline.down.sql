-- Migration 000002 add_column_volatile_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "ref", DROP COLUMN "token";
