-- Migration 000002 add_partitioned_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 4 of migration add_partitioned_index: the schema changes, in one transaction

-- reverse: create partition "events_rest"
ALTER TABLE "events" DETACH PARTITION "events_rest"; DROP TABLE "events_rest";
