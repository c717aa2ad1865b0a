-- Migration 000002 unique_index_over_replaced_column_drop_filings_token_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration unique_index_over_replaced_column: drops index "filings_token_key" without blocking writes (DROP INDEX CONCURRENTLY, outside a transaction)

-- cpcgen:no-transaction
-- reverse: drop index "filings_token_key" of table "filings" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "filings_token_key" ON "filings" ("token");
