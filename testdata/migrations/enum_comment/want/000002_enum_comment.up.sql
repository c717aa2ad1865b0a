-- Migration 000002 enum_comment, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create enum type "kind"
CREATE TYPE "kind" AS ENUM ('a', 'b');
-- modify "accounts" table
ALTER TABLE "accounts" ADD COLUMN "kind" "kind" NULL;
-- set comment to enum type "currency"
COMMENT ON TYPE "currency" IS 'An ISO 4217 code.';
-- set comment to enum type "status"
COMMENT ON TYPE "status" IS NULL;
-- set comment to enum type "kind"
COMMENT ON TYPE "kind" IS 'The kind''s ''name''.';
