-- Migration 000002 drop_partition_referenced, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop partition "devices_b"
CREATE TABLE "devices_b" PARTITION OF "devices" FOR VALUES IN (3, 4);
