-- Migration 000002 objects_replace_sql_reads_dropped_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop function "legacy_count", to create it again: its SQL as it was names table "queues", whose columns change: the down migration creates it as it was after the table is back
DROP FUNCTION legacy_count();
-- drop function "paused_queues", to create it again: its SQL as it was names table "queues", whose columns change: the down migration creates it as it was after the table is back
DROP FUNCTION paused_queues();
-- drop function "job_count", to create it again: its SQL as it was names table "jobs", which the migration drops: the down migration creates it as it was after the table is back
DROP FUNCTION job_count();
-- modify "queues" table
ALTER TABLE "queues" ALTER COLUMN "paused" DROP NOT NULL, DROP COLUMN "legacy", ADD COLUMN "state" text NULL;
-- create "private_jobs" table
CREATE TABLE "private_jobs" (
  "id" bigint NOT NULL,
  "queue" text NOT NULL,
  PRIMARY KEY ("id")
);
-- drop "jobs" table
DROP TABLE "jobs";
-- create function "job_count" again
CREATE FUNCTION job_count() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM private_jobs $$;
-- create function "paused_queues" again
CREATE FUNCTION paused_queues() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM queues WHERE state = 'paused' $$;
-- create function "legacy_count" again
CREATE FUNCTION legacy_count() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(state) FROM queues $$;
