-- Migration 000002 drop_partition_referenced, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop partition "devices_b"
ALTER TABLE "devices" DETACH PARTITION "devices_b"; DROP TABLE "devices_b";
