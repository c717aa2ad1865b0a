-- Migration 000003 unique_index_over_replaced_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration unique_index_over_replaced_column: the schema changes, in one transaction

-- modify "filings" table
ALTER TABLE "filings" DROP COLUMN "token", ADD COLUMN "message_id" text NULL;
