-- Migration 000002 enum_array_dropped_mixed_case, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop enum type "Permission"
CREATE TYPE "Permission" AS ENUM ('CREATE_TICKET', 'READ_TICKET');
-- reverse: modify "Role" table
ALTER TABLE "Role" ALTER COLUMN "permissions" TYPE "Permission"[] USING "permissions"::text[]::"Permission"[];
