-- Migration 000002 objects_constraint_comment_create, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "t" table
ALTER TABLE "t" ADD CONSTRAINT "t_a_b_key" UNIQUE ("a", "b");
-- create object "t_a_b_key_comment"
COMMENT ON CONSTRAINT t_a_b_key ON t IS 'hello';
