-- Migration 000003 add_foreign_key_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_foreign_key: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "accounts_user_id_fkey" of table "accounts" against the existing rows
ALTER TABLE "accounts" VALIDATE CONSTRAINT "accounts_user_id_fkey";
