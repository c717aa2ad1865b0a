-- Migration 000004 rename_column_constraint_to_index_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration rename_column_constraint_to_index: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- drop constraint "members_org_id_nick_key" of table "members" as it was
ALTER TABLE "members" DROP CONSTRAINT "members_org_id_nick_key";
-- give index "members_org_id_handle_key_cpcgen_new" of table "members" its name
ALTER INDEX "members_org_id_handle_key_cpcgen_new" RENAME TO "members_org_id_handle_key";
