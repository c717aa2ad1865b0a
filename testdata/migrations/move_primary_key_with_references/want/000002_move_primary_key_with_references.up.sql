-- Migration 000002 move_primary_key_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration move_primary_key_with_references: the schema changes, in one transaction

-- modify "cleanup_jobs" table
ALTER TABLE "cleanup_jobs" DROP CONSTRAINT "cleanup_jobs_email_fkey", ADD COLUMN "email_account_id" text NOT NULL;
-- modify "email_accounts" table
ALTER TABLE "email_accounts" DROP CONSTRAINT "email_accounts_pkey", ADD COLUMN "id" text NOT NULL, ADD PRIMARY KEY ("id");
-- modify "cleanup_jobs" table
ALTER TABLE "cleanup_jobs" ADD
CONSTRAINT "cleanup_jobs_email_account_id_fkey" FOREIGN KEY ("email_account_id") REFERENCES "email_accounts" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
