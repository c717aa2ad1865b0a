-- Migration 000002 drop_generated_source, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "lines" table
ALTER TABLE "lines" DROP COLUMN "total", DROP COLUMN "quantity";
