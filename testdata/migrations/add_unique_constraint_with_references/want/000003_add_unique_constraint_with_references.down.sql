-- Migration 000003 add_unique_constraint_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration add_unique_constraint_with_references: the schema changes, in one transaction

-- reverse: modify "posts" table
ALTER TABLE "posts" DROP CONSTRAINT "posts_author_email_fkey";
