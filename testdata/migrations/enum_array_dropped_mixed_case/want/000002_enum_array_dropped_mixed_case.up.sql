-- Migration 000002 enum_array_dropped_mixed_case, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "Role" table
ALTER TABLE "Role" ALTER COLUMN "permissions" TYPE jsonb[] USING "permissions"::text[]::jsonb[];
-- drop enum type "Permission"
DROP TYPE "Permission";
