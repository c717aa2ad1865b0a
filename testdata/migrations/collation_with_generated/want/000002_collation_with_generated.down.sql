-- Migration 000002 collation_with_generated, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to table: "users"
COMMENT ON TABLE "users" IS NULL;
-- reverse: modify "users" table
ALTER TABLE "users" ALTER COLUMN "email" TYPE text, DROP COLUMN "search", DROP COLUMN "low", ADD COLUMN "low" text NOT NULL GENERATED ALWAYS AS (lower(email)) STORED;
