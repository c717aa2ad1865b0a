-- Migration 000002 drop_unique_index_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "tokens" table
ALTER TABLE "tokens" DROP CONSTRAINT "tokens_client_id_fkey";
-- modify "codes" table
ALTER TABLE "codes" DROP CONSTRAINT "codes_client_id_fkey";
-- drop index "clients_id_uq" from table: "clients"
DROP INDEX "clients_id_uq";
