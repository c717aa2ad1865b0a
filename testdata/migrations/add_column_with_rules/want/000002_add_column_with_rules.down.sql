-- Migration 000002 add_column_with_rules, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_column_with_rules: the schema changes, in one transaction

-- reverse: modify "users" table
ALTER TABLE "users" DROP CONSTRAINT "users_tier_pattern", DROP CONSTRAINT "users_nickname_min_length", DROP CONSTRAINT "users_loyalty_points_min", DROP COLUMN "tier", DROP COLUMN "nickname", DROP COLUMN "loyalty_points";
