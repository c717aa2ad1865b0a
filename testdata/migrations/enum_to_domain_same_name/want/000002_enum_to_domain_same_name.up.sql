-- Migration 000002 enum_to_domain_same_name, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration enum_to_domain_same_name: the schema changes, in one transaction

-- drop index "posts_id_idx" from table: "posts"
DROP INDEX "posts_id_idx";
-- modify "posts" table
ALTER TABLE "posts" DROP CONSTRAINT "posts_state_check";
-- rename enum type "status" aside, to "status_cpcgen_old": an object the migration creates takes its name, and its columns are converted after that
ALTER TYPE "status" RENAME TO "status_cpcgen_old";
-- create domain "status"
CREATE DOMAIN status AS text CHECK (VALUE IN ('draft','live','gone'));
-- modify "posts" table
ALTER TABLE "posts" ALTER COLUMN "state" DROP DEFAULT, ALTER COLUMN "state" TYPE status USING "state"::text::status, ALTER COLUMN "state" SET DEFAULT 'draft', ALTER COLUMN "past" TYPE status[] USING "past"::text[]::status[], ADD CONSTRAINT "posts_state_check" CHECK (state <> 'live'::status OR id > 0) NOT VALID;
-- drop the old enum type "status", renamed aside to "status_cpcgen_old"
DROP TYPE "status_cpcgen_old";
