-- Migration 000004 enum_comments, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- set comment to enum type "deal_stage"
COMMENT ON TYPE "deal_stage" IS 'Where a deal stands in the pipeline; won and lost are closed.';
-- set comment to enum type "activity_kind"
COMMENT ON TYPE "activity_kind" IS 'How the organization was in touch with a customer.';
