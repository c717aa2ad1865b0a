-- Migration 000002 rename_partitioned_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename partition "sessions_p1" to "visits_p1"
ALTER TABLE "visits_p1" RENAME TO "sessions_p1";
-- reverse: rename partition "sessions_p0" to "visits_p0"
ALTER TABLE "visits_p0" RENAME TO "sessions_p0";
-- reverse: rename partition "events_2026_01" to "activities_2026_01"
ALTER TABLE "activities_2026_01" RENAME TO "events_2026_01";
-- reverse: rename primary key "sessions_pkey" of table "visits" to "visits_pkey"
ALTER INDEX "visits_pkey" RENAME TO "sessions_pkey";
-- reverse: rename primary key "events_pkey" of table "activities" to "activities_pkey"
ALTER INDEX "activities_pkey" RENAME TO "events_pkey";
-- reverse: rename sequence "events_id_seq" of "activities"."id" to "activities_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"activities"', 'id')::regclass = to_regclass('"activities_id_seq"') AND to_regclass('"events_id_seq"') IS NULL THEN ALTER SEQUENCE "activities_id_seq" RENAME TO "events_id_seq"; END IF; END $cpcgen$;
-- reverse: rename a table from "sessions" to "visits"
ALTER TABLE "visits" RENAME TO "sessions";
-- reverse: rename a table from "events" to "activities"
ALTER TABLE "activities" RENAME TO "events";
