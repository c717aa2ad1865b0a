-- Migration 000002 unique_index_over_replaced_column_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create index "filings_token_key" to table: "filings"
DROP INDEX "filings_token_key";
-- reverse: modify "filings" table
ALTER TABLE "filings" DROP COLUMN "message_id", ADD COLUMN "token" text NULL;
-- reverse: drop index "filings_token_key" from table: "filings"
CREATE UNIQUE INDEX "filings_token_key" ON "filings" ("token");
