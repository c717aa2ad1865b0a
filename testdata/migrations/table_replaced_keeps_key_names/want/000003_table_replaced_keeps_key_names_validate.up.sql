-- Migration 000003 table_replaced_keeps_key_names_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration table_replaced_keeps_key_names: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "transfers_account_code_fkey" of table "transfers" against the existing rows
ALTER TABLE "transfers" VALIDATE CONSTRAINT "transfers_account_code_fkey";
