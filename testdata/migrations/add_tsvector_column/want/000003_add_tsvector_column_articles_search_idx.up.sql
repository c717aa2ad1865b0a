-- Migration 000003 add_tsvector_column_articles_search_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_tsvector_column: builds index "articles_search_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "articles_search_idx" of table "articles" without blocking writes
CREATE INDEX CONCURRENTLY "articles_search_idx" ON "articles" USING GIN ("search");
