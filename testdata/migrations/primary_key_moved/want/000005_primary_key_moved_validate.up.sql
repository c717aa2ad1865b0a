-- Migration 000005 primary_key_moved_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 4 of migration primary_key_moved: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "entries_account_id_fkey" of table "entries" against the existing rows
ALTER TABLE "entries" VALIDATE CONSTRAINT "entries_account_id_fkey";
