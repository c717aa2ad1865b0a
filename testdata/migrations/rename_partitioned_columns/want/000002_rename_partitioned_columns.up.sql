-- Migration 000002 rename_partitioned_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename the partitions' indexes of "events_kind_idx" ("events_category_idx" after the migration) from <partition>_kind_idx to <partition>_category_idx
DO $cpcgen$ DECLARE r record; n text; BEGIN FOR r IN SELECT c.relname AS idx, t.relname AS tbl FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid WHERE i.inhparent = '"events_kind_idx"'::regclass LOOP n := r.tbl || '_category' || right(r.idx, 4); IF r.idx IN (r.tbl || '_kind' || '_idx', r.tbl || '_kind' || '_key') AND octet_length(n) < 64 AND to_regclass(quote_ident(n)) IS NULL THEN EXECUTE format('ALTER INDEX %I RENAME TO %I', r.idx, n); END IF; END LOOP; END $cpcgen$;
-- rename a column from "at" to "occurred_at"
ALTER TABLE "events" RENAME COLUMN "at" TO "occurred_at";
-- rename a column from "kind" to "category"
ALTER TABLE "events" RENAME COLUMN "kind" TO "category";
-- rename an index from "events_kind_idx" to "events_category_idx"
ALTER INDEX "events_kind_idx" RENAME TO "events_category_idx";
-- rename constraint "events_kind_check" of table "events" to "events_category_check"
ALTER TABLE "events" RENAME CONSTRAINT "events_kind_check" TO "events_category_check";
