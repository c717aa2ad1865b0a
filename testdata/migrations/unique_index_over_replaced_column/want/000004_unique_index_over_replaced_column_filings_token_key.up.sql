-- Migration 000004 unique_index_over_replaced_column_filings_token_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration unique_index_over_replaced_column: builds index "filings_token_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "filings_token_key" of table "filings" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "filings_token_key" ON "filings" ("message_id");
