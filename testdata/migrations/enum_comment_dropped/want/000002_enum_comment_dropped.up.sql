-- Migration 000002 enum_comment_dropped, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create enum type "order_status"
CREATE TYPE "order_status" AS ENUM ('pending', 'shipped');
-- modify "orders" table
ALTER TABLE "orders" ALTER COLUMN "state" TYPE "order_status" USING "state"::text::"order_status";
-- drop enum type "order_state"
DROP TYPE "order_state";
-- set comment to enum type "order_status"
COMMENT ON TYPE "order_status" IS 'The order''s lifecycle.';
