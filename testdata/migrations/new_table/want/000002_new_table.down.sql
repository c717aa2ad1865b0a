-- Migration 000002 new_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: set comment to column: "note" on table: "transfers"
COMMENT ON COLUMN "transfers"."note" IS NULL;
-- reverse: set comment to table: "transfers"
COMMENT ON TABLE "transfers" IS NULL;
-- reverse: create index "transfers_from_id_at_key" to table: "transfers"
DROP INDEX "transfers_from_id_at_key";
-- reverse: create "transfers" table
DROP TABLE "transfers";
