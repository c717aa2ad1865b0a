-- Migration 000004 add_column_volatile_backfill_users_ref, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 5 of migration add_column_volatile: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen: note: nothing to undo in this step
