-- Migration 000002 add_column_check_default_passes, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_column_check_default_passes: the schema changes, in one transaction

-- reverse: modify "leaderboard" table
ALTER TABLE "leaderboard" DROP CONSTRAINT "leaderboard_size_check", DROP CONSTRAINT "leaderboard_ratio_check", DROP CONSTRAINT "leaderboard_max_size_check", DROP CONSTRAINT "leaderboard_category_check", DROP COLUMN "size", DROP COLUMN "ratio", DROP COLUMN "max_size", DROP COLUMN "category";
