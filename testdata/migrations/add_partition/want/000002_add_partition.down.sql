-- Migration 000002 add_partition, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create partition "events_rest"
ALTER TABLE "events" DETACH PARTITION "events_rest"; DROP TABLE "events_rest";
-- reverse: create partition "events_2026_02"
ALTER TABLE "events" DETACH PARTITION "events_2026_02"; DROP TABLE "events_2026_02";
