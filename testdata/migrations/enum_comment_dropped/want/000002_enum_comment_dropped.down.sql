-- Migration 000002 enum_comment_dropped, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to enum type "order_status"
COMMENT ON TYPE "order_status" IS NULL;
-- reverse: drop enum type "order_state"
CREATE TYPE "order_state" AS ENUM ('pending', 'shipped');
COMMENT ON TYPE "order_state" IS 'The order''s lifecycle.';
-- reverse: modify "orders" table
ALTER TABLE "orders" ALTER COLUMN "state" TYPE "order_state" USING "state"::text::"order_state";
-- reverse: create enum type "order_status"
DROP TYPE "order_status";
