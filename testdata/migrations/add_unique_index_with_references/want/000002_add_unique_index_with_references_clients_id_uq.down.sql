-- Migration 000002 add_unique_index_with_references_clients_id_uq, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration add_unique_index_with_references: builds index "clients_id_uq", which the foreign keys of the next step need, without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "clients_id_uq" of table "clients" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "clients_id_uq";
