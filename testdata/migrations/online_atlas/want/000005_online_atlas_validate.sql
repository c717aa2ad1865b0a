-- Migration 000005 online_atlas_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 4 of migration online_atlas: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- Validate check "accounts_balance_check" of table "accounts" against the existing rows
ALTER TABLE "accounts" VALIDATE CONSTRAINT "accounts_balance_check";
