-- Migration 000003 foreign_key_widened_both_sides_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration foreign_key_widened_both_sides: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "entries_account_id_fkey" of table "entries" against the existing rows
ALTER TABLE "entries" VALIDATE CONSTRAINT "entries_account_id_fkey";
