-- Migration 000003 rename_and_retype_columns_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration rename_and_retype_columns: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "users_org_slug_fkey" of table "users" against the existing rows
ALTER TABLE "users" VALIDATE CONSTRAINT "users_org_slug_fkey";
