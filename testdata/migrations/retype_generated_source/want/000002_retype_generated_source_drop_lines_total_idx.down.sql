-- Migration 000002 retype_generated_source_drop_lines_total_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration retype_generated_source: drops index "lines_total_idx" without blocking writes (DROP INDEX CONCURRENTLY, outside a transaction)

-- cpcgen:no-transaction
-- reverse: drop index "lines_total_idx" of table "lines" without blocking writes
CREATE INDEX CONCURRENTLY "lines_total_idx" ON "lines" ("total");
