-- Migration 000004 primary_key_widened_fk_kept_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration primary_key_widened_fk_kept: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "teams_org_id_fkey" of table "teams" against the existing rows
ALTER TABLE "teams" VALIDATE CONSTRAINT "teams_org_id_fkey";
