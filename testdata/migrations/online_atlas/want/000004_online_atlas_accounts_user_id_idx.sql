-- atlas:txmode none

-- Migration 000004 online_atlas_accounts_user_id_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 4 of migration online_atlas: builds index "accounts_user_id_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- Build index "accounts_user_id_idx" of table "accounts" without blocking writes
CREATE INDEX CONCURRENTLY "accounts_user_id_idx" ON "accounts" ("user_id");
