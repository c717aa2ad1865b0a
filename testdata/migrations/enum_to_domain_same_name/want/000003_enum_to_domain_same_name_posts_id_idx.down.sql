-- Migration 000003 enum_to_domain_same_name_posts_id_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration enum_to_domain_same_name: builds index "posts_id_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "posts_id_idx" of table "posts" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "posts_id_idx";
