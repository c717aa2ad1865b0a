-- Migration 000002 add_tsvector_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create index "articles_search_idx" to table: "articles"
DROP INDEX "articles_search_idx";
-- reverse: modify "articles" table
ALTER TABLE "articles" DROP COLUMN "sections", DROP COLUMN "keywords", DROP COLUMN "search";
