-- Migration 000003 enum_comments, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to enum type "transaction_kind"
COMMENT ON TYPE "transaction_kind" IS NULL;
-- reverse: set comment to enum type "currency"
COMMENT ON TYPE "currency" IS NULL;
