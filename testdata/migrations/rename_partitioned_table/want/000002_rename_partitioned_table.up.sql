-- Migration 000002 rename_partitioned_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename a table from "events" to "activities"
ALTER TABLE "events" RENAME TO "activities";
-- rename a table from "sessions" to "visits"
ALTER TABLE "sessions" RENAME TO "visits";
-- rename sequence "events_id_seq" of "activities"."id" to "activities_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"activities"', 'id')::regclass = to_regclass('"events_id_seq"') AND to_regclass('"activities_id_seq"') IS NULL THEN ALTER SEQUENCE "events_id_seq" RENAME TO "activities_id_seq"; END IF; END $cpcgen$;
-- rename primary key "events_pkey" of table "activities" to "activities_pkey"
ALTER INDEX "events_pkey" RENAME TO "activities_pkey";
-- rename primary key "sessions_pkey" of table "visits" to "visits_pkey"
ALTER INDEX "sessions_pkey" RENAME TO "visits_pkey";
-- rename partition "events_2026_01" to "activities_2026_01"
ALTER TABLE "events_2026_01" RENAME TO "activities_2026_01";
-- rename partition "sessions_p0" to "visits_p0"
ALTER TABLE "sessions_p0" RENAME TO "visits_p0";
-- rename partition "sessions_p1" to "visits_p1"
ALTER TABLE "sessions_p1" RENAME TO "visits_p1";
