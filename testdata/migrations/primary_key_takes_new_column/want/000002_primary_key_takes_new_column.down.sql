-- Migration 000002 primary_key_takes_new_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "tags" table
ALTER TABLE "tags" DROP CONSTRAINT "tags_pkey", DROP COLUMN "id";
