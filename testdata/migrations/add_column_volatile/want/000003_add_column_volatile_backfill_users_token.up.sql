-- Migration 000003 add_column_volatile_backfill_users_token, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 5 of migration add_column_volatile: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen:no-transaction
-- fill "users"."token" for the existing rows, 1000 rows per transaction
-- cpcgen:backfill batch=1000 pause=10ms
UPDATE "users" SET "token" = gen_random_uuid() WHERE "token" IS NULL;
