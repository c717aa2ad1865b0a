-- Migration 000002 rename_enum_labels_in_retyped_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration rename_enum_labels_in_retyped_index: the schema changes, in one transaction

-- rename enum type "kind" to "item_kind"
ALTER TYPE "kind" RENAME TO "item_kind";
-- rename value "b" of enum type "item_kind" to "bee"
ALTER TYPE "item_kind" RENAME VALUE 'b' TO 'bee';
-- rename a table from "items" to "things"
ALTER TABLE "items" RENAME TO "things";
-- rename a column from "k" to "kind"
ALTER TABLE "things" RENAME COLUMN "k" TO "kind";
-- rename a column from "n" to "num"
ALTER TABLE "things" RENAME COLUMN "n" TO "num";
-- rename sequence "items_id_seq" of "things"."id" to "things_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"things"', 'id')::regclass = to_regclass('"items_id_seq"') AND to_regclass('"things_id_seq"') IS NULL THEN ALTER SEQUENCE "items_id_seq" RENAME TO "things_id_seq"; END IF; END $cpcgen$;
-- drop index "items_n_idx" from table: "things"
DROP INDEX "items_n_idx";
-- add value to enum type: "item_kind"
ALTER TYPE "item_kind" ADD VALUE IF NOT EXISTS 'd';
-- modify "things" table
ALTER TABLE "things" DROP COLUMN "g", ALTER COLUMN "num" TYPE bigint, ADD COLUMN "g" bigint NOT NULL GENERATED ALWAYS AS (num * 2) STORED;
-- rename constraint "items_k_check" of table "things" to "things_kind_check"
ALTER TABLE "things" RENAME CONSTRAINT "items_k_check" TO "things_kind_check";
-- rename primary key "items_pkey" of table "things" to "things_pkey"
ALTER INDEX "items_pkey" RENAME TO "things_pkey";
