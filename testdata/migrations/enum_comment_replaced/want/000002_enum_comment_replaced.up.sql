-- Migration 000002 enum_comment_replaced, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename enum type "state" aside, to replace it: PostgreSQL cannot drop or reorder the values of an enum type
ALTER TYPE "state" RENAME TO "state_cpcgen_old";
-- create enum type "state" with its new values
CREATE TYPE "state" AS ENUM ('draft', 'live');
-- convert column "pages"."state" to the new enum type "state"
ALTER TABLE "pages" ALTER COLUMN "state" TYPE "state" USING "state"::text::"state";
-- drop the old enum type "state"
DROP TYPE "state_cpcgen_old";
-- set comment to enum type "state"
COMMENT ON TYPE "state" IS 'Where a page is.';
