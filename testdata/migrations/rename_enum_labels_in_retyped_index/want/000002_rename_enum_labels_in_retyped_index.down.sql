-- Migration 000002 rename_enum_labels_in_retyped_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration rename_enum_labels_in_retyped_index: the schema changes, in one transaction

-- cpcgen: irreversible: ALTER TYPE "item_kind" ADD VALUE IF NOT EXISTS 'd' cannot be undone: PostgreSQL cannot drop a value from an enum type, so it stays after the down migration

-- reverse: rename primary key "items_pkey" of table "things" to "things_pkey"
ALTER INDEX "things_pkey" RENAME TO "items_pkey";
-- reverse: rename constraint "items_k_check" of table "things" to "things_kind_check"
ALTER TABLE "things" RENAME CONSTRAINT "things_kind_check" TO "items_k_check";
-- reverse: modify "things" table
ALTER TABLE "things" DROP COLUMN "g", ALTER COLUMN "num" TYPE integer, ADD COLUMN "g" bigint NOT NULL GENERATED ALWAYS AS (num * 2) STORED;
-- reverse: drop index "items_n_idx" from table: "things"
CREATE INDEX "items_n_idx" ON "things" ("num") WHERE "kind" = 'bee';
-- reverse: rename sequence "items_id_seq" of "things"."id" to "things_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"things"', 'id')::regclass = to_regclass('"things_id_seq"') AND to_regclass('"items_id_seq"') IS NULL THEN ALTER SEQUENCE "things_id_seq" RENAME TO "items_id_seq"; END IF; END $cpcgen$;
-- reverse: rename a column from "n" to "num"
ALTER TABLE "things" RENAME COLUMN "num" TO "n";
-- reverse: rename a column from "k" to "kind"
ALTER TABLE "things" RENAME COLUMN "kind" TO "k";
-- reverse: rename a table from "items" to "things"
ALTER TABLE "things" RENAME TO "items";
-- reverse: rename value "b" of enum type "item_kind" to "bee"
ALTER TYPE "item_kind" RENAME VALUE 'bee' TO 'b';
-- reverse: rename enum type "kind" to "item_kind"
ALTER TYPE "item_kind" RENAME TO "kind";
