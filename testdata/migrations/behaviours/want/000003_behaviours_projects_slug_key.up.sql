-- Migration 000003 behaviours_projects_slug_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration behaviours: builds index "projects_slug_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "projects_slug_key" of table "projects" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "projects_slug_key" ON "projects" ("org_id", "slug") WHERE "deleted_at" IS NULL;
