-- Migration 000003 add_unique_index_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration add_unique_index_with_references: the schema changes, in one transaction

-- reverse: modify "tokens" table
ALTER TABLE "tokens" DROP CONSTRAINT "tokens_client_id_fkey";
-- reverse: modify "codes" table
ALTER TABLE "codes" DROP CONSTRAINT "codes_client_id_fkey";
