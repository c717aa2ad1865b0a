-- Migration 000002 objects_index_comment_drop, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop index "t_a_idx" from table: "t"
CREATE INDEX "t_a_idx" ON "t" ("a");
-- reverse: drop object "t_a_idx_comment"
COMMENT ON INDEX t_a_idx IS 'hello';
