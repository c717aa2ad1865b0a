-- Migration 000003 move_primary_key_with_references_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration move_primary_key_with_references: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "cleanup_jobs_email_account_id_fkey" of table "cleanup_jobs" against the existing rows
ALTER TABLE "cleanup_jobs" VALIDATE CONSTRAINT "cleanup_jobs_email_account_id_fkey";
