-- Migration 000003 rename_and_retype_columns_users_org_slug_points_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration rename_and_retype_columns: builds index "users_org_slug_points_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "users_org_slug_points_idx" of table "users" without blocking writes
CREATE INDEX CONCURRENTLY "users_org_slug_points_idx" ON "users" ("org_slug", "points");
