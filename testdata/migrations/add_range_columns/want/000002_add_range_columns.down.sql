-- Migration 000002 add_range_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_range_columns: the schema changes, in one transaction

-- reverse: modify "rooms" table
ALTER TABLE "rooms" DROP COLUMN "periods", DROP COLUMN "during", DROP COLUMN "wall", DROP COLUMN "days", DROP COLUMN "prices", DROP COLUMN "ids", DROP COLUMN "seats";
