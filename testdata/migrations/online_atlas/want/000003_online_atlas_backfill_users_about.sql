-- atlas:txmode none

-- Migration 000003 online_atlas_backfill_users_about, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 4 of migration online_atlas: fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped

-- cpcgen:no-transaction
-- Fill "users"."about" for the existing rows, 1000 rows per transaction
-- cpcgen:backfill batch=1000 pause=10ms
UPDATE "users" SET "about" = "bio" WHERE "about" IS DISTINCT FROM "bio";
