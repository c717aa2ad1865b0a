-- Migration 000002 primary_key_widened_fk_kept_orgs_id_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration primary_key_widened_fk_kept: builds index "orgs_id_key", which the foreign keys of the next step need, without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "orgs_id_key" of table "orgs" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "orgs_id_key" ON "orgs" ("id");
