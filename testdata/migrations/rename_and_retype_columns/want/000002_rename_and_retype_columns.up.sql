-- Migration 000002 rename_and_retype_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration rename_and_retype_columns: the schema changes, in one transaction

-- rename a column from "code" to "slug"
ALTER TABLE "orgs" RENAME COLUMN "code" TO "slug";
-- rename a column from "org_code" to "org_slug"
ALTER TABLE "users" RENAME COLUMN "org_code" TO "org_slug";
-- rename a column from "score" to "points"
ALTER TABLE "users" RENAME COLUMN "score" TO "points";
-- modify "users" table
ALTER TABLE "users" DROP CONSTRAINT "users_org_code_fkey";
-- modify "orgs" table
ALTER TABLE "orgs" ALTER COLUMN "slug" TYPE character varying(20);
-- rename an index from "orgs_code_key" to "orgs_slug_key"
ALTER INDEX "orgs_code_key" RENAME TO "orgs_slug_key";
-- modify "users" table
ALTER TABLE "users" DROP COLUMN "total", ALTER COLUMN "org_slug" TYPE character varying(20), ALTER COLUMN "points" TYPE bigint, ADD COLUMN "total" bigint NOT NULL GENERATED ALWAYS AS (points * 2) STORED, ADD
CONSTRAINT "users_org_slug_fkey" FOREIGN KEY ("org_slug") REFERENCES "orgs" ("slug") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
-- rename an index from "users_org_code_score_idx" to "users_org_slug_points_idx"
ALTER INDEX "users_org_code_score_idx" RENAME TO "users_org_slug_points_idx";
-- rename constraint "users_score_check" of table "users" to "users_points_check"
ALTER TABLE "users" RENAME CONSTRAINT "users_score_check" TO "users_points_check";
