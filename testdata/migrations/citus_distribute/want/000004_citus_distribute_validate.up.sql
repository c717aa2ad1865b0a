-- Migration 000004 citus_distribute_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration citus_distribute: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "accounts_currency_fkey" of table "accounts" against the existing rows
ALTER TABLE "accounts" VALIDATE CONSTRAINT "accounts_currency_fkey";
