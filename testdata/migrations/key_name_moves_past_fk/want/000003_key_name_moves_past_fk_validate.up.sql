-- Migration 000003 key_name_moves_past_fk_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration key_name_moves_past_fk: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "policies_owner_id_fkey" of table "policies" against the existing rows
ALTER TABLE "policies" VALIDATE CONSTRAINT "policies_owner_id_fkey";
