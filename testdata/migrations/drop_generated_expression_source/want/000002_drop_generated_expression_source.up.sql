-- Migration 000002 drop_generated_expression_source, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "documents" table
ALTER TABLE "documents" ALTER COLUMN "tsv" DROP NOT NULL, ALTER COLUMN "tsv" DROP EXPRESSION, DROP COLUMN "body";
