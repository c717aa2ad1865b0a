-- Migration 000002 widen_primary_key_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "runs" table
ALTER TABLE "runs" DROP CONSTRAINT "runs_dataset_id_fkey";
-- modify "datasets" table
ALTER TABLE "datasets" DROP CONSTRAINT "datasets_pkey", ADD COLUMN "project_id" text NOT NULL, ADD PRIMARY KEY ("id", "project_id");
