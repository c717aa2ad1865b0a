-- Migration 000002 primary_key_takes_nullable_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "translations" table
ALTER TABLE "translations" DROP CONSTRAINT "translations_pkey", ALTER COLUMN "object_type" SET NOT NULL, ADD PRIMARY KEY ("object_id", "object_type", "dst_lang");
