-- Migration 000002 add_column_with_rules, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_column_with_rules: the schema changes, in one transaction

-- modify "users" table
ALTER TABLE "users" ADD COLUMN "loyalty_points" integer NOT NULL DEFAULT 0, ADD COLUMN "nickname" text NULL, ADD COLUMN "tier" character varying(16) NOT NULL DEFAULT 'basic'::varchar(16), ADD CONSTRAINT "users_loyalty_points_min" CHECK ("loyalty_points" >= 0) NOT VALID, ADD CONSTRAINT "users_nickname_min_length" CHECK (char_length("nickname") >= 2) NOT VALID, ADD CONSTRAINT "users_tier_pattern" CHECK ("tier" ~ '^(?:[a-z]+)$') NOT VALID;
