-- Migration 000002 drop_generated_expression_source, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "documents" table
ALTER TABLE "documents" ADD COLUMN "body" text NOT NULL DEFAULT '', DROP COLUMN "tsv", ADD COLUMN "tsv" tsvector NOT NULL GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED;
ALTER TABLE "documents" ALTER COLUMN "body" DROP DEFAULT;
COMMENT ON COLUMN "documents"."tsv" IS 'The words of the body';
ALTER TABLE "documents" ADD CONSTRAINT "tsv_length" CHECK (length(tsv) < 100000);
CREATE INDEX "documents_tsv_idx" ON "documents" USING GIN ("tsv");
