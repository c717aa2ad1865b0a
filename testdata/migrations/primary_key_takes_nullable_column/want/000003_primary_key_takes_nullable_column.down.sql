-- Migration 000003 primary_key_takes_nullable_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration primary_key_takes_nullable_column: the schema changes, in one transaction

-- reverse: drop the check "translations_object_type_not_null", which NOT NULL now does
ALTER TABLE "translations" ADD CONSTRAINT "translations_object_type_not_null" CHECK ("object_type" IS NOT NULL) NOT VALID;
-- reverse: modify "translations" table
ALTER TABLE "translations" DROP CONSTRAINT "translations_pkey", ALTER COLUMN "object_type" DROP NOT NULL, ADD PRIMARY KEY ("object_id", "dst_lang");
CREATE UNIQUE INDEX "translations_pkey_cpcgen_new" ON "translations" ("object_id", "object_type", "dst_lang");
