-- Migration 000002 drop_column_before_partition_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "events" table
ALTER TABLE "events" ADD COLUMN "note" text NULL;
