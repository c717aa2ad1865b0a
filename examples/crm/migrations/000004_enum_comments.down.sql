-- Migration 000004 enum_comments, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to enum type "activity_kind"
COMMENT ON TYPE "activity_kind" IS NULL;
-- reverse: set comment to enum type "deal_stage"
COMMENT ON TYPE "deal_stage" IS NULL;
