-- Migration 000002 widen_unique_index_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "runs" table
ALTER TABLE "runs" DROP CONSTRAINT "runs_dataset_name_fkey";
-- drop index "datasets_name_uq" from table: "datasets"
DROP INDEX "datasets_name_uq";
-- modify "datasets" table
ALTER TABLE "datasets" ADD COLUMN "project_id" text NOT NULL;
-- create index "datasets_name_uq" to table: "datasets"
CREATE UNIQUE INDEX "datasets_name_uq" ON "datasets" ("name", "project_id");
