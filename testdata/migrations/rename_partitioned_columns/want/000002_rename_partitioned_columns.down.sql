-- Migration 000002 rename_partitioned_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename constraint "events_kind_check" of table "events" to "events_category_check"
ALTER TABLE "events" RENAME CONSTRAINT "events_category_check" TO "events_kind_check";
-- reverse: rename an index from "events_kind_idx" to "events_category_idx"
ALTER INDEX "events_category_idx" RENAME TO "events_kind_idx";
-- reverse: rename a column from "kind" to "category"
ALTER TABLE "events" RENAME COLUMN "category" TO "kind";
-- reverse: rename a column from "at" to "occurred_at"
ALTER TABLE "events" RENAME COLUMN "occurred_at" TO "at";
-- reverse: rename the partitions' indexes of "events_kind_idx" ("events_category_idx" after the migration) from <partition>_kind_idx to <partition>_category_idx
DO $cpcgen$ DECLARE r record; n text; BEGIN FOR r IN SELECT c.relname AS idx, t.relname AS tbl FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid WHERE i.inhparent = '"events_kind_idx"'::regclass LOOP n := r.tbl || '_kind' || right(r.idx, 4); IF r.idx IN (r.tbl || '_category' || '_idx', r.tbl || '_category' || '_key') AND octet_length(n) < 64 AND to_regclass(quote_ident(n)) IS NULL THEN EXECUTE format('ALTER INDEX %I RENAME TO %I', r.idx, n); END IF; END LOOP; END $cpcgen$;
