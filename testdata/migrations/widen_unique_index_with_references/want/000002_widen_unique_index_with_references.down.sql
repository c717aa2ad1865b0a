-- Migration 000002 widen_unique_index_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create index "datasets_name_uq" to table: "datasets"
DROP INDEX "datasets_name_uq";
-- reverse: modify "datasets" table
ALTER TABLE "datasets" DROP COLUMN "project_id";
-- reverse: drop index "datasets_name_uq" from table: "datasets"
CREATE UNIQUE INDEX "datasets_name_uq" ON "datasets" ("name");
-- reverse: modify "runs" table
ALTER TABLE "runs" ADD
CONSTRAINT "runs_dataset_name_fkey" FOREIGN KEY ("dataset_name") REFERENCES "datasets" ("name") ON UPDATE NO ACTION ON DELETE NO ACTION;
