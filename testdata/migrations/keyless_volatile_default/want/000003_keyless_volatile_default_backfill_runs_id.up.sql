-- Migration 000003 keyless_volatile_default_backfill_runs_id, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 4 of migration keyless_volatile_default: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen:no-transaction
-- fill "runs"."id" for the existing rows, 1000 rows per transaction
-- cpcgen:backfill key=code batch=1000 pause=10ms
UPDATE "runs" SET "id" = gen_random_uuid() WHERE "id" IS NULL;
