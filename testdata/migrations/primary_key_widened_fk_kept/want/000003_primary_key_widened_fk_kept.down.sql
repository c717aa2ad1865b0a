-- Migration 000003 primary_key_widened_fk_kept, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration primary_key_widened_fk_kept: the schema changes, in one transaction

-- reverse: modify "teams" table
ALTER TABLE "teams" DROP CONSTRAINT "teams_org_id_fkey";
-- reverse: modify "orgs" table
ALTER TABLE "orgs" DROP CONSTRAINT "orgs_pkey", DROP COLUMN "region", ADD PRIMARY KEY ("id");
-- reverse: modify "teams" table
DROP INDEX IF EXISTS "orgs_id_key";
ALTER TABLE "teams" ADD
CONSTRAINT "teams_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION;
