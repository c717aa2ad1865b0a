-- Migration 000003 rename_enum_labels_in_retyped_index_things_num_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration rename_enum_labels_in_retyped_index: builds index "things_num_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "things_num_idx" of table "things" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "things_num_idx";
