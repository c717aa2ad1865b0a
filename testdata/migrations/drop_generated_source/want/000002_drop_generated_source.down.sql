-- Migration 000002 drop_generated_source, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "lines" table
ALTER TABLE "lines" ADD COLUMN "quantity" integer NOT NULL DEFAULT 0, ADD COLUMN "total" numeric(14,2) NOT NULL GENERATED ALWAYS AS (quantity * unit_price) STORED;
ALTER TABLE "lines" ALTER COLUMN "quantity" DROP DEFAULT;
