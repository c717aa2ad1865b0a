-- Migration 000002 unique_index_over_replaced_column_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop index "filings_token_key" from table: "filings"
DROP INDEX "filings_token_key";
-- modify "filings" table
ALTER TABLE "filings" DROP COLUMN "token", ADD COLUMN "message_id" text NULL;
-- create index "filings_token_key" to table: "filings"
CREATE UNIQUE INDEX "filings_token_key" ON "filings" ("message_id");
