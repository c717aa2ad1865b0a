-- Migration 000002 retype_column_with_check_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "members" table
ALTER TABLE "members" ALTER COLUMN "pw" TYPE text;
