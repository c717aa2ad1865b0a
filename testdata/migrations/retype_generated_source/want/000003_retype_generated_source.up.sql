-- Migration 000003 retype_generated_source, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration retype_generated_source: the schema changes, in one transaction

-- modify "lines" table
ALTER TABLE "lines" DROP COLUMN "total", DROP COLUMN "label", ALTER COLUMN "quantity" TYPE bigint, ADD COLUMN "total" numeric(14,2) NOT NULL GENERATED ALWAYS AS (quantity * unit_price) STORED, ADD COLUMN "label" text NOT NULL GENERATED ALWAYS AS ('x' || quantity::text) STORED;
