-- Migration 000002 add_range_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_range_columns: the schema changes, in one transaction

-- modify "rooms" table
ALTER TABLE "rooms" ADD COLUMN "seats" int4range NOT NULL DEFAULT '[1,11)'::int4range, ADD COLUMN "ids" int8range NULL, ADD COLUMN "prices" numrange NOT NULL DEFAULT '[0,100.5)'::numrange, ADD COLUMN "days" daterange NOT NULL DEFAULT '[2024-01-01,2024-02-01)'::daterange, ADD COLUMN "wall" tsrange NOT NULL DEFAULT '["2024-01-01 00:00:00",)'::tsrange, ADD COLUMN "during" tstzrange NOT NULL DEFAULT '[2024-01-01T00:00:00Z,)'::tstzrange, ADD COLUMN "periods" tstzrange[] NOT NULL DEFAULT '{}'::tstzrange[];
