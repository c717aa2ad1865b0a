-- Migration 000002 add_tsvector_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "articles" table
ALTER TABLE "articles" ADD COLUMN "search" tsvector NOT NULL DEFAULT ''::tsvector, ADD COLUMN "keywords" tsvector NULL, ADD COLUMN "sections" tsvector[] NULL;
-- create index "articles_search_idx" to table: "articles"
CREATE INDEX "articles_search_idx" ON "articles" USING GIN ("search");
