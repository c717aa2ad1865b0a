-- Migration 000002 rename_enum_table_and_replaced_value, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration rename_enum_table_and_replaced_value: the schema changes, in one transaction

-- reverse: rename primary key "posts_pkey" of table "articles" to "articles_pkey"
ALTER INDEX "articles_pkey" RENAME TO "posts_pkey";
-- reverse: drop the old enum type "post_status"
CREATE TYPE "post_status_cpcgen_old" AS ENUM ('draft', 'published', 'gone');
-- reverse: convert column "articles"."tags" to the new enum type "post_status"
ALTER TABLE "articles" ALTER COLUMN "tags" DROP DEFAULT, ALTER COLUMN "tags" TYPE "post_status_cpcgen_old"[] USING "tags"::text[]::"post_status_cpcgen_old"[];
-- reverse: convert column "articles"."status" to the new enum type "post_status"
ALTER TABLE "articles" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "post_status_cpcgen_old" USING "status"::text::"post_status_cpcgen_old";
-- reverse: create enum type "post_status" with its new values
DROP TYPE "post_status";
-- reverse: rename enum type "post_status" aside, to replace it: PostgreSQL cannot drop or reorder the values of an enum type
ALTER TYPE "post_status_cpcgen_old" RENAME TO "post_status";
ALTER TABLE "articles" ALTER COLUMN "status" SET DEFAULT 'draft'::"post_status";
ALTER TABLE "articles" ALTER COLUMN "tags" SET DEFAULT '{draft}'::"post_status"[];
-- reverse: drop index "posts_id_idx" from table: "articles"
CREATE INDEX "posts_id_idx" ON "articles" ("id") WHERE "status" <> 'gone';
-- reverse: rename sequence "posts_id_seq" of "articles"."id" to "articles_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"articles"', 'id')::regclass = to_regclass('"articles_id_seq"') AND to_regclass('"posts_id_seq"') IS NULL THEN ALTER SEQUENCE "articles_id_seq" RENAME TO "posts_id_seq"; END IF; END $cpcgen$;
-- reverse: rename a column from "state" to "status"
ALTER TABLE "articles" RENAME COLUMN "status" TO "state";
-- reverse: rename a table from "posts" to "articles"
ALTER TABLE "articles" RENAME TO "posts";
-- reverse: rename value "live" of enum type "post_status" to "published"
ALTER TYPE "post_status" RENAME VALUE 'published' TO 'live';
-- reverse: rename enum type "status" to "post_status"
ALTER TYPE "post_status" RENAME TO "status";
