-- Migration 000002 index_name_from_dropped_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration index_name_from_dropped_table: the schema changes, in one transaction

-- drop "legacy_codes" table
DROP TABLE "legacy_codes";
-- create index "codes_code_uq" to table: "codes"
CREATE UNIQUE INDEX "codes_code_uq" ON "codes" ("code");
-- modify "uses" table
ALTER TABLE "uses" ADD
CONSTRAINT "uses_code_text_fkey" FOREIGN KEY ("code_text") REFERENCES "codes" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
