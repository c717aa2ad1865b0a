-- Migration 000002 add_generated_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "lines" table
ALTER TABLE "lines" DROP COLUMN "total";
