-- Migration 000002 add_column_check_default_passes, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_column_check_default_passes: the schema changes, in one transaction

-- modify "leaderboard" table
ALTER TABLE "leaderboard" ADD COLUMN "category" smallint NOT NULL DEFAULT 0, ADD COLUMN "max_size" integer NOT NULL DEFAULT 100000000, ADD COLUMN "ratio" numeric(4,2) NOT NULL DEFAULT 0.5, ADD COLUMN "size" integer NULL, ADD CONSTRAINT "leaderboard_category_check" CHECK (category >= 0) NOT VALID, ADD CONSTRAINT "leaderboard_max_size_check" CHECK (max_size > 0) NOT VALID, ADD CONSTRAINT "leaderboard_ratio_check" CHECK (ratio < 1) NOT VALID, ADD CONSTRAINT "leaderboard_size_check" CHECK (size > 0) NOT VALID;
