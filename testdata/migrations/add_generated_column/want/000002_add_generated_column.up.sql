-- Migration 000002 add_generated_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "lines" table
ALTER TABLE "lines" ADD COLUMN "total" numeric(14,2) NOT NULL GENERATED ALWAYS AS (quantity * unit_price) STORED;
