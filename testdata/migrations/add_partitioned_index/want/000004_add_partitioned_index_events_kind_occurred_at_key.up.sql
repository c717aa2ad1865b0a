-- Migration 000004 add_partitioned_index_events_kind_occurred_at_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 4 of migration add_partitioned_index: builds index "events_kind_occurred_at_key" of a partitioned table without blocking writes: made on the table alone (ON ONLY), each declared partition's index built with CREATE INDEX CONCURRENTLY and attached, any other partition's built under its lock by a DO block, outside a transaction; an interrupted run resumes at the statement that failed, and an invalid index it left is built again

-- cpcgen:no-transaction
-- refuse a table with a foreign table as a partition, whose index made ON ONLY "events" would never become valid
DO $cpcgen$ DECLARE f text; BEGIN SELECT string_agg(c.oid::regclass::text, ', ') INTO f FROM pg_partition_tree('"events"'::regclass) p JOIN pg_class c ON c.oid = p.relid WHERE c.relkind = 'f'; IF f IS NOT NULL THEN RAISE EXCEPTION 'index "events_kind_occurred_at_key" cannot be built partition by partition: table "events" has foreign tables as partitions (%), and an index made ON ONLY it never becomes valid', f USING HINT = 'replace the statements of this file by CREATE UNIQUE INDEX "events_kind_occurred_at_key" ON "events" ("kind", "occurred_at") (built under the table''s lock; foreign tables are skipped), then run cpcgen migrate hash'; END IF; END $cpcgen$;
-- make index "events_kind_occurred_at_key" of partitioned table "events" on the table alone (ON ONLY), invalid until every partition's index is attached to it
CREATE UNIQUE INDEX "events_kind_occurred_at_key" ON ONLY "events" ("kind", "occurred_at");
-- build the index "events_2026_01_kind_occurred_at_idx" of partition "events_2026_01" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "events_2026_01_kind_occurred_at_idx" ON "events_2026_01" ("kind", "occurred_at");
-- attach it to index "events_kind_occurred_at_key"
ALTER INDEX "events_kind_occurred_at_key" ATTACH PARTITION "events_2026_01_kind_occurred_at_idx";
-- build the index "events_2026_02_kind_occurred_at_idx" of partition "events_2026_02" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "events_2026_02_kind_occurred_at_idx" ON "events_2026_02" ("kind", "occurred_at");
-- attach it to index "events_kind_occurred_at_key"
ALTER INDEX "events_kind_occurred_at_key" ATTACH PARTITION "events_2026_02_kind_occurred_at_idx";
-- build the index "events_rest_kind_occurred_at_idx" of partition "events_rest" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "events_rest_kind_occurred_at_idx" ON "events_rest" ("kind", "occurred_at");
-- attach it to index "events_kind_occurred_at_key"
ALTER INDEX "events_kind_occurred_at_key" ATTACH PARTITION "events_rest_kind_occurred_at_idx";
-- index and attach, under their locks, the partitions of "events" the spec does not declare (made outside it, or partitioned themselves)
DO $cpcgen$ DECLARE r record; x oid[]; BEGIN FOR r IN SELECT c.oid::regclass AS rel FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '"events"'::regclass AND c.relkind IN ('r', 'p') AND NOT EXISTS (SELECT FROM pg_inherits a JOIN pg_index ix ON ix.indexrelid = a.inhrelid WHERE a.inhparent = '"events_kind_occurred_at_key"'::regclass AND ix.indrelid = c.oid) ORDER BY c.relname LOOP x := ARRAY(SELECT indexrelid FROM pg_index WHERE indrelid = r.rel); EXECUTE format('CREATE UNIQUE INDEX ON %s ', r.rel) || '("kind", "occurred_at")'; EXECUTE format('ALTER INDEX %s ATTACH PARTITION %s', '"events_kind_occurred_at_key"'::regclass, (SELECT indexrelid::regclass FROM pg_index WHERE indrelid = r.rel AND indexrelid <> ALL (x))); END LOOP; END $cpcgen$;
