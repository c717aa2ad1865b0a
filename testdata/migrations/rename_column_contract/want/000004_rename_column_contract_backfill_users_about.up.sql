-- Migration 000004 rename_column_contract_backfill_users_about, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 5 of migration rename_column_contract: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen:no-transaction
-- fill "users"."about" for the existing rows, 1000 rows per transaction
-- cpcgen:backfill batch=1000 pause=10ms
UPDATE "users" SET "about" = "bio" WHERE "about" IS DISTINCT FROM "bio";
