-- Migration 000004 rename_column_backfill_users_about, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 5 of migration rename_column: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen: note: nothing to undo in this step
