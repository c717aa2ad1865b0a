-- Migration 000002 objects_replace_sql_reads_dropped_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create function "legacy_count" again
DROP FUNCTION legacy_count();
-- reverse: create function "paused_queues" again
DROP FUNCTION paused_queues();
-- reverse: create function "job_count" again
DROP FUNCTION job_count();
-- reverse: drop "jobs" table
CREATE TABLE "jobs" (
  "id" bigint NOT NULL,
  "queue" text NOT NULL,
  PRIMARY KEY ("id")
);
-- reverse: create "private_jobs" table
DROP TABLE "private_jobs";
-- reverse: modify "queues" table
ALTER TABLE "queues" DROP COLUMN "state", ADD COLUMN "legacy" text NULL, ALTER COLUMN "paused" SET NOT NULL;
-- reverse: drop function "job_count", to create it again: its SQL as it was names table "jobs", which the migration drops: the down migration creates it as it was after the table is back
CREATE FUNCTION job_count() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM jobs $$;
-- reverse: drop function "paused_queues", to create it again: its SQL as it was names table "queues", whose columns change: the down migration creates it as it was after the table is back
CREATE FUNCTION paused_queues() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM queues WHERE paused $$;
-- reverse: drop function "legacy_count", to create it again: its SQL as it was names table "queues", whose columns change: the down migration creates it as it was after the table is back
CREATE FUNCTION legacy_count() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(legacy) FROM queues $$;
