-- Migration 000002 objects_index_comment_create, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create object "t_a_idx_comment"
COMMENT ON INDEX t_a_idx IS NULL;
-- reverse: create index "t_a_idx" to table: "t"
DROP INDEX "t_a_idx";
