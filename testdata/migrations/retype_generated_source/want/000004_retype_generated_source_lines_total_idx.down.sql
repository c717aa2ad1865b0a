-- Migration 000004 retype_generated_source_lines_total_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration retype_generated_source: builds index "lines_total_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "lines_total_idx" of table "lines" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "lines_total_idx";
