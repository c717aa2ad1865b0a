-- Migration 000003 add_column_with_rules_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_column_with_rules: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate check "users_loyalty_points_min" of table "users" against the existing rows
ALTER TABLE "users" VALIDATE CONSTRAINT "users_loyalty_points_min";
-- validate check "users_nickname_min_length" of table "users" against the existing rows
ALTER TABLE "users" VALIDATE CONSTRAINT "users_nickname_min_length";
-- validate check "users_tier_pattern" of table "users" against the existing rows
ALTER TABLE "users" VALIDATE CONSTRAINT "users_tier_pattern";
