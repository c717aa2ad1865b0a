-- Migration 000005 drop_column_with_keys_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 4 of migration drop_column_with_keys: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "children_parent_fk" of table "children" against the existing rows
ALTER TABLE "children" VALIDATE CONSTRAINT "children_parent_fk";
