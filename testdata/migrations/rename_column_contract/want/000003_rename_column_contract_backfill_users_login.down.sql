-- Migration 000003 rename_column_contract_backfill_users_login, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 5 of migration rename_column_contract: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen: note: nothing to undo in this step
