-- Migration 000004 enum_to_domain_same_name_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration enum_to_domain_same_name: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate check "posts_state_check" of table "posts" against the existing rows
ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_state_check";
