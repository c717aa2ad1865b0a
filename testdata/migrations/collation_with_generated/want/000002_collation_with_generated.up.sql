-- Migration 000002 collation_with_generated, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" DROP COLUMN "low", ADD COLUMN "low" text NOT NULL GENERATED ALWAYS AS (lower(email)) STORED, ADD COLUMN "search" tsvector NOT NULL GENERATED ALWAYS AS (to_tsvector('simple', email)) STORED, ALTER COLUMN "email" TYPE text COLLATE "C";
-- set comment to table: "users"
COMMENT ON TABLE "users" IS 'A collation changed on a column a generated column reads, and one added reads.';
