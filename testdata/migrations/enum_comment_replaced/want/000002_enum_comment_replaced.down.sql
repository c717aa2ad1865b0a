-- Migration 000002 enum_comment_replaced, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to enum type "state"
COMMENT ON TYPE "state" IS NULL;
-- reverse: drop the old enum type "state"
CREATE TYPE "state_cpcgen_old" AS ENUM ('draft', 'live', 'gone');
COMMENT ON TYPE "state_cpcgen_old" IS 'Where a page is.';
-- reverse: convert column "pages"."state" to the new enum type "state"
ALTER TABLE "pages" ALTER COLUMN "state" TYPE "state_cpcgen_old" USING "state"::text::"state_cpcgen_old";
-- reverse: create enum type "state" with its new values
DROP TYPE "state";
-- reverse: rename enum type "state" aside, to replace it: PostgreSQL cannot drop or reorder the values of an enum type
ALTER TYPE "state_cpcgen_old" RENAME TO "state";
