-- Migration 000002 drop_column_before_partition_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "events" table
ALTER TABLE "events" DROP COLUMN "note";
