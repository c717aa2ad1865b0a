-- Migration 000002 rename_and_retype_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration rename_and_retype_columns: the schema changes, in one transaction

-- rename a column from "code" to "slug"
ALTER TABLE "orgs" RENAME COLUMN "code" TO "slug";
-- rename a column from "org_code" to "org_slug"
ALTER TABLE "users" RENAME COLUMN "org_code" TO "org_slug";
-- rename a column from "score" to "points"
ALTER TABLE "users" RENAME COLUMN "score" TO "points";
-- drop index "users_org_code_score_idx" from table: "users"
DROP INDEX "users_org_code_score_idx";
-- modify "users" table
ALTER TABLE "users" DROP CONSTRAINT "users_org_code_fkey";
-- modify "orgs" table
ALTER TABLE "orgs" DROP CONSTRAINT "orgs_code_key";
-- modify "orgs" table
ALTER TABLE "orgs" ALTER COLUMN "slug" TYPE character varying(20), ADD CONSTRAINT "orgs_slug_key" UNIQUE ("slug");
-- modify "users" table
ALTER TABLE "users" DROP COLUMN "total", ALTER COLUMN "org_slug" TYPE character varying(20), ALTER COLUMN "points" TYPE bigint, ADD COLUMN "total" bigint NOT NULL GENERATED ALWAYS AS (points * 2) STORED, ADD
CONSTRAINT "users_org_slug_fkey" FOREIGN KEY ("org_slug") REFERENCES "orgs" ("slug") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
-- rename constraint "users_score_check" of table "users" to "users_points_check"
ALTER TABLE "users" RENAME CONSTRAINT "users_score_check" TO "users_points_check";
