-- Migration 000002 add_partition, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create partition "events_2026_02"
CREATE TABLE "events_2026_02" PARTITION OF "events" FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
-- create partition "events_rest"
CREATE TABLE "events_rest" PARTITION OF "events" DEFAULT;
