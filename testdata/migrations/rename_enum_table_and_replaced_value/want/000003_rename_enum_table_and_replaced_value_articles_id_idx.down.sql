-- Migration 000003 rename_enum_table_and_replaced_value_articles_id_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration rename_enum_table_and_replaced_value: builds index "articles_id_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "articles_id_idx" of table "articles" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "articles_id_idx";
