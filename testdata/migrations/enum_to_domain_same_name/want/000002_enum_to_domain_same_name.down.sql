-- Migration 000002 enum_to_domain_same_name, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration enum_to_domain_same_name: the schema changes, in one transaction

-- reverse: drop the old enum type "status", renamed aside to "status_cpcgen_old"
CREATE TYPE "status_cpcgen_old" AS ENUM ('draft', 'live');
-- reverse: modify "posts" table
ALTER TABLE "posts" DROP CONSTRAINT "posts_state_check", ALTER COLUMN "past" TYPE "status_cpcgen_old"[] USING "past"::text[]::"status_cpcgen_old"[], ALTER COLUMN "state" DROP DEFAULT, ALTER COLUMN "state" TYPE "status_cpcgen_old" USING "state"::text::"status_cpcgen_old", ALTER COLUMN "state" SET DEFAULT 'draft'::"status_cpcgen_old";
-- reverse: create domain "status"
DROP DOMAIN status;
-- reverse: rename enum type "status" aside, to "status_cpcgen_old": an object the migration creates takes its name, and its columns are converted after that
ALTER TYPE "status_cpcgen_old" RENAME TO "status";
-- reverse: modify "posts" table
ALTER TABLE "posts" ADD CONSTRAINT "posts_state_check" CHECK (state <> 'live'::status OR id > 0);
-- reverse: drop index "posts_id_idx" from table: "posts"
CREATE INDEX "posts_id_idx" ON "posts" ("id") WHERE state = 'draft';
