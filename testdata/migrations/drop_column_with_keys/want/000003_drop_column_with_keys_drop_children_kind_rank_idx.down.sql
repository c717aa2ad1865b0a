-- Migration 000003 drop_column_with_keys_drop_children_kind_rank_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 4 of migration drop_column_with_keys: drops index "children_kind_rank_idx" without blocking writes (DROP INDEX CONCURRENTLY, outside a transaction)

-- cpcgen:no-transaction
-- reverse: drop index "children_kind_rank_idx" of table "children" without blocking writes
CREATE INDEX CONCURRENTLY "children_kind_rank_idx" ON "children" ("kind", "rank");
