-- Migration 000004 add_column_volatile_backfill_users_ref, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 5 of migration add_column_volatile: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen:no-transaction
-- fill "users"."ref" for the existing rows, 1000 rows per transaction
-- cpcgen:backfill batch=1000 pause=10ms
UPDATE "users" SET "ref" = gen_random_uuid() WHERE "ref" IS NULL;
