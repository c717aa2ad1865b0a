-- Migration 000002 widen_primary_key_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "datasets" table
ALTER TABLE "datasets" DROP CONSTRAINT "datasets_pkey", DROP COLUMN "project_id", ADD PRIMARY KEY ("id");
-- reverse: modify "runs" table
ALTER TABLE "runs" ADD
CONSTRAINT "runs_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION;
