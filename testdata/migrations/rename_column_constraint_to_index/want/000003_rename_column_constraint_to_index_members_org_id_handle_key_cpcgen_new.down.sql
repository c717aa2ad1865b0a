-- Migration 000003 rename_column_constraint_to_index_members_org_id_handle_key_cpcgen_new, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration rename_column_constraint_to_index: builds index "members_org_id_handle_key_cpcgen_new" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "members_org_id_handle_key_cpcgen_new" of table "members" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "members_org_id_handle_key_cpcgen_new";
