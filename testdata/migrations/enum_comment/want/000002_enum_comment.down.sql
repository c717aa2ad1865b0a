-- Migration 000002 enum_comment, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to enum type "kind"
COMMENT ON TYPE "kind" IS NULL;
-- reverse: set comment to enum type "status"
COMMENT ON TYPE "status" IS 'Whether it is open.';
-- reverse: set comment to enum type "currency"
COMMENT ON TYPE "currency" IS NULL;
-- reverse: modify "accounts" table
ALTER TABLE "accounts" DROP COLUMN "kind";
-- reverse: create enum type "kind"
DROP TYPE "kind";
