-- Migration 000003 keyless_volatile_default_backfill_runs_id, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 4 of migration keyless_volatile_default: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen: note: nothing to undo in this step
