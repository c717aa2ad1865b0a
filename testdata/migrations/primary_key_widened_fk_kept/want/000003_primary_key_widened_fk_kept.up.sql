-- Migration 000003 primary_key_widened_fk_kept, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration primary_key_widened_fk_kept: the schema changes, in one transaction

-- modify "teams" table
ALTER TABLE "teams" DROP CONSTRAINT "teams_org_id_fkey";
-- modify "orgs" table
ALTER TABLE "orgs" DROP CONSTRAINT "orgs_pkey", ADD COLUMN "region" text NOT NULL DEFAULT 'eu'::text, ADD PRIMARY KEY ("id", "region");
-- modify "teams" table
ALTER TABLE "teams" ADD
CONSTRAINT "teams_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
