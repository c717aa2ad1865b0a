-- Migration 000003 check_expression_to_new_name_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration check_expression_to_new_name: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate check "x" of table "products" against the existing rows
ALTER TABLE "products" VALIDATE CONSTRAINT "x";
-- validate check "y" of table "products" against the existing rows
ALTER TABLE "products" VALIDATE CONSTRAINT "y";
