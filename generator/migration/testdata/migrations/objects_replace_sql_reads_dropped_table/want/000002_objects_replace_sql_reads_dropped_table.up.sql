-- Migration 000002 objects_replace_sql_reads_dropped_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop function "paused_ids", to create it again: its SQL as it was names table "queues", whose columns change: the down migration creates it as it was after the table is back
DROP FUNCTION paused_ids();
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
-- replace function "job_count"
CREATE OR REPLACE FUNCTION job_count() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM private_jobs $$;
-- replace function "paused_queues"
CREATE OR REPLACE FUNCTION paused_queues() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM queues WHERE state = 'paused' $$;
-- replace function "legacy_count"
CREATE OR REPLACE FUNCTION legacy_count() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT count(state) FROM queues $$;
-- create function "paused_ids" again
CREATE FUNCTION paused_ids() RETURNS SETOF bigint
  LANGUAGE sql STABLE
  BEGIN ATOMIC SELECT id FROM queues WHERE state = 'paused'; END;
