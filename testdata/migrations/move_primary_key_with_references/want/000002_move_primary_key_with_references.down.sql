-- Migration 000002 move_primary_key_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration move_primary_key_with_references: the schema changes, in one transaction

-- reverse: modify "cleanup_jobs" table
ALTER TABLE "cleanup_jobs" DROP CONSTRAINT "cleanup_jobs_email_account_id_fkey";
-- reverse: modify "email_accounts" table
ALTER TABLE "email_accounts" DROP CONSTRAINT "email_accounts_pkey", DROP COLUMN "id", ADD PRIMARY KEY ("email");
-- reverse: modify "cleanup_jobs" table
ALTER TABLE "cleanup_jobs" DROP COLUMN "email_account_id", ADD
CONSTRAINT "cleanup_jobs_email_fkey" FOREIGN KEY ("email") REFERENCES "email_accounts" ("email") ON UPDATE NO ACTION ON DELETE CASCADE;
