-- Migration 000003 add_column_check_default_passes_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_column_check_default_passes: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate check "leaderboard_category_check" of table "leaderboard" against the existing rows
ALTER TABLE "leaderboard" VALIDATE CONSTRAINT "leaderboard_category_check";
-- validate check "leaderboard_max_size_check" of table "leaderboard" against the existing rows
ALTER TABLE "leaderboard" VALIDATE CONSTRAINT "leaderboard_max_size_check";
-- validate check "leaderboard_ratio_check" of table "leaderboard" against the existing rows
ALTER TABLE "leaderboard" VALIDATE CONSTRAINT "leaderboard_ratio_check";
-- validate check "leaderboard_size_check" of table "leaderboard" against the existing rows
ALTER TABLE "leaderboard" VALIDATE CONSTRAINT "leaderboard_size_check";
