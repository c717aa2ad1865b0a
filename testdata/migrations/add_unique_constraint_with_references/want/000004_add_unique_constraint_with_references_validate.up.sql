-- Migration 000004 add_unique_constraint_with_references_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration add_unique_constraint_with_references: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "posts_author_email_fkey" of table "posts" against the existing rows
ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_author_email_fkey";
