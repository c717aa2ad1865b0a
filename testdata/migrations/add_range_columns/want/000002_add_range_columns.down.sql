-- Migration 000002 add_range_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create index "rooms_during_idx" to table: "rooms"
DROP INDEX "rooms_during_idx";
-- reverse: modify "rooms" table
ALTER TABLE "rooms" DROP COLUMN "periods", DROP COLUMN "during", DROP COLUMN "wall", DROP COLUMN "days", DROP COLUMN "prices", DROP COLUMN "ids", DROP COLUMN "seats";
