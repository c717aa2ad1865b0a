-- Migration 000002 rename_column_drop_partitioned_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename the partitions' indexes of "events_kind_idx", which the migration drops, after its renamed columns; going back, from <partition>_kind_r_idx to <partition>_kind_idx, as the down migration makes it again before the columns get their old names
DO $cpcgen$ DECLARE r record; n text; BEGIN FOR r IN SELECT c.relname AS idx, t.relname AS tbl FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid WHERE i.inhparent = '"events_kind_idx"'::regclass LOOP n := r.tbl || '_kind_r' || right(r.idx, 4); IF r.idx IN (r.tbl || '_kind' || '_idx', r.tbl || '_kind' || '_key') AND octet_length(n) < 64 AND to_regclass(quote_ident(n)) IS NULL THEN EXECUTE format('ALTER INDEX %I RENAME TO %I', r.idx, n); END IF; END LOOP; END $cpcgen$;
-- rename a column from "kind" to "kind_r"
ALTER TABLE "events" RENAME COLUMN "kind" TO "kind_r";
-- drop index "events_kind_idx" from table: "events"
DROP INDEX "events_kind_idx";
