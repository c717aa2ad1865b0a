-- Migration 000002 rename_enum_table_and_replaced_value, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration rename_enum_table_and_replaced_value: the schema changes, in one transaction

-- rename enum type "status" to "post_status"
ALTER TYPE "status" RENAME TO "post_status";
-- rename value "live" of enum type "post_status" to "published"
ALTER TYPE "post_status" RENAME VALUE 'live' TO 'published';
-- rename a table from "posts" to "articles"
ALTER TABLE "posts" RENAME TO "articles";
-- rename a column from "state" to "status"
ALTER TABLE "articles" RENAME COLUMN "state" TO "status";
-- rename sequence "posts_id_seq" of "articles"."id" to "articles_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"articles"', 'id')::regclass = to_regclass('"posts_id_seq"') AND to_regclass('"articles_id_seq"') IS NULL THEN ALTER SEQUENCE "posts_id_seq" RENAME TO "articles_id_seq"; END IF; END $cpcgen$;
-- drop index "posts_id_idx" from table: "articles"
DROP INDEX "posts_id_idx";
-- rename enum type "post_status" aside, to replace it: PostgreSQL cannot drop or reorder the values of an enum type
ALTER TYPE "post_status" RENAME TO "post_status_cpcgen_old";
-- create enum type "post_status" with its new values
CREATE TYPE "post_status" AS ENUM ('draft', 'published');
-- convert column "articles"."status" to the new enum type "post_status"
ALTER TABLE "articles" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "post_status" USING "status"::text::"post_status", ALTER COLUMN "status" SET DEFAULT 'draft'::"post_status";
-- convert column "articles"."tags" to the new enum type "post_status"
ALTER TABLE "articles" ALTER COLUMN "tags" DROP DEFAULT, ALTER COLUMN "tags" TYPE "post_status"[] USING "tags"::text[]::"post_status"[], ALTER COLUMN "tags" SET DEFAULT '{draft}'::"post_status"[];
-- drop the old enum type "post_status"
DROP TYPE "post_status_cpcgen_old";
-- rename primary key "posts_pkey" of table "articles" to "articles_pkey"
ALTER INDEX "posts_pkey" RENAME TO "articles_pkey";
