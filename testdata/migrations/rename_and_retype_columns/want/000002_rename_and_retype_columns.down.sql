-- Migration 000002 rename_and_retype_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration rename_and_retype_columns: the schema changes, in one transaction

-- reverse: rename constraint "users_score_check" of table "users" to "users_points_check"
ALTER TABLE "users" RENAME CONSTRAINT "users_points_check" TO "users_score_check";
-- reverse: rename an index from "users_org_code_score_idx" to "users_org_slug_points_idx"
ALTER INDEX "users_org_slug_points_idx" RENAME TO "users_org_code_score_idx";
-- reverse: modify "users" table
ALTER TABLE "users" DROP CONSTRAINT "users_org_slug_fkey", DROP COLUMN "total", ALTER COLUMN "points" TYPE integer, ALTER COLUMN "org_slug" TYPE character varying(10), ADD COLUMN "total" integer NOT NULL GENERATED ALWAYS AS (points * 2) STORED;
-- reverse: rename an index from "orgs_code_key" to "orgs_slug_key"
ALTER INDEX "orgs_slug_key" RENAME TO "orgs_code_key";
-- reverse: modify "orgs" table
ALTER TABLE "orgs" ALTER COLUMN "slug" TYPE character varying(10);
-- reverse: modify "users" table
ALTER TABLE "users" ADD
CONSTRAINT "users_org_code_fkey" FOREIGN KEY ("org_slug") REFERENCES "orgs" ("slug") ON UPDATE NO ACTION ON DELETE NO ACTION;
-- reverse: rename a column from "score" to "points"
ALTER TABLE "users" RENAME COLUMN "points" TO "score";
-- reverse: rename a column from "org_code" to "org_slug"
ALTER TABLE "users" RENAME COLUMN "org_slug" TO "org_code";
-- reverse: rename a column from "code" to "slug"
ALTER TABLE "orgs" RENAME COLUMN "slug" TO "code";
