-- Migration 000004 add_unique_index_with_references_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration add_unique_index_with_references: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "tokens_client_id_fkey" of table "tokens" against the existing rows
ALTER TABLE "tokens" VALIDATE CONSTRAINT "tokens_client_id_fkey";
-- validate foreign key "codes_client_id_fkey" of table "codes" against the existing rows
ALTER TABLE "codes" VALIDATE CONSTRAINT "codes_client_id_fkey";
