-- Migration 000002 partition_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create partition "sessions_other"
ALTER TABLE "sessions" DETACH PARTITION "sessions_other"; DROP TABLE "sessions_other";
-- reverse: create partition "sessions_eu"
ALTER TABLE "sessions" DETACH PARTITION "sessions_eu"; DROP TABLE "sessions_eu";
-- reverse: create "sessions" table
DROP TABLE "sessions";
