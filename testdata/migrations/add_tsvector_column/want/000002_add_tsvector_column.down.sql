-- Migration 000002 add_tsvector_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_tsvector_column: the schema changes, in one transaction

-- reverse: modify "articles" table
ALTER TABLE "articles" DROP COLUMN "sections", DROP COLUMN "keywords", DROP COLUMN "search";
