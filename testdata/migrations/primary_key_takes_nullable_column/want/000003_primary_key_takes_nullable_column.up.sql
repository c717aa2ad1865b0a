-- Migration 000003 primary_key_takes_nullable_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration primary_key_takes_nullable_column: the schema changes, in one transaction

-- modify "translations" table
ALTER TABLE "translations" DROP CONSTRAINT "translations_pkey", ALTER COLUMN "object_type" SET NOT NULL, ADD CONSTRAINT "translations_pkey" PRIMARY KEY USING INDEX "translations_pkey_cpcgen_new";
-- drop the check "translations_object_type_not_null", which NOT NULL now does
ALTER TABLE "translations" DROP CONSTRAINT "translations_object_type_not_null";
