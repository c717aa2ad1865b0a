-- Migration 000002 drop_unique_index_with_references, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop index "clients_id_uq" from table: "clients"
CREATE UNIQUE INDEX "clients_id_uq" ON "clients" ("id");
-- reverse: modify "codes" table
ALTER TABLE "codes" ADD
CONSTRAINT "codes_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;
-- reverse: modify "tokens" table
ALTER TABLE "tokens" ADD
CONSTRAINT "tokens_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION;
