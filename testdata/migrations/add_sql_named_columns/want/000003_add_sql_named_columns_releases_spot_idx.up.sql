-- Migration 000003 add_sql_named_columns_releases_spot_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_sql_named_columns: builds index "releases_spot_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "releases_spot_idx" of table "releases" without blocking writes
CREATE INDEX CONCURRENTLY "releases_spot_idx" ON "releases" USING GIST ("spot");
