-- Migration 000002 format_flyway, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- cpcgen: irreversible: ALTER TYPE "currency" ADD VALUE IF NOT EXISTS 'GBP' cannot be undone: PostgreSQL cannot drop a value from an enum type, so it stays after the down migration

-- reverse: set comment to column: "note" on table: "transfers"
COMMENT ON COLUMN "transfers"."note" IS NULL;
-- reverse: set comment to table: "transfers"
COMMENT ON TABLE "transfers" IS NULL;
-- reverse: create index "transfers_from_id_at_key" to table: "transfers"
DROP INDEX "transfers_from_id_at_key";
-- reverse: create "transfers" table
DROP TABLE "transfers";
