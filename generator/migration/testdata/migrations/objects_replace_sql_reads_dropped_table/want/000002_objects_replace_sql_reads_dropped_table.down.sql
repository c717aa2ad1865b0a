-- Migration 000002 objects_replace_sql_reads_dropped_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create function "paused_ids" again
DROP FUNCTION paused_ids();
-- reverse: replace function "legacy_count"
SET check_function_bodies = off;
CREATE OR REPLACE FUNCTION legacy_count() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(legacy) FROM queues $$;
RESET check_function_bodies;
-- reverse: replace function "paused_queues"
SET check_function_bodies = off;
CREATE OR REPLACE FUNCTION paused_queues() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM queues WHERE paused $$;
RESET check_function_bodies;
-- reverse: replace function "job_count"
SET check_function_bodies = off;
CREATE OR REPLACE FUNCTION job_count() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM jobs $$;
RESET check_function_bodies;
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
-- reverse: drop function "paused_ids", to create it again: its SQL as it was names table "queues", whose columns change: the down migration creates it as it was after the table is back
CREATE FUNCTION paused_ids() RETURNS SETOF bigint
  LANGUAGE sql STABLE
  BEGIN ATOMIC SELECT id FROM queues WHERE paused AND legacy IS NULL; END;
