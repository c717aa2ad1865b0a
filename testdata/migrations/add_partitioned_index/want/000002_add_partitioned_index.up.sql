-- Migration 000002 add_partitioned_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 4 of migration add_partitioned_index: the schema changes, in one transaction

-- create partition "events_rest"
CREATE TABLE "events_rest" PARTITION OF "events" DEFAULT;
