-- Migration 000002 create_partitioned_referenced, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create partition "sessions_p1"
ALTER TABLE "sessions" DETACH PARTITION "sessions_p1"; DROP TABLE "sessions_p1";
-- reverse: create partition "sessions_p0"
ALTER TABLE "sessions" DETACH PARTITION "sessions_p0"; DROP TABLE "sessions_p0";
-- reverse: create "hits" table
DROP TABLE "hits";
-- reverse: create "sessions" table
DROP TABLE "sessions";
