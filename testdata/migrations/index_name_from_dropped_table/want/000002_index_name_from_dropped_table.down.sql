-- Migration 000002 index_name_from_dropped_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration index_name_from_dropped_table: the schema changes, in one transaction

-- reverse: modify "uses" table
ALTER TABLE "uses" DROP CONSTRAINT "uses_code_text_fkey";
-- reverse: create index "codes_code_uq" to table: "codes"
DROP INDEX "codes_code_uq";
-- reverse: drop "legacy_codes" table
CREATE TABLE "legacy_codes" (
  "id" bigint NOT NULL,
  "code" text NOT NULL,
  PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "codes_code_uq" ON "legacy_codes" ("code");
