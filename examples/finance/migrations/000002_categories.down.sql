-- Migration 000002 categories, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "transactions" table
ALTER TABLE "transactions" DROP CONSTRAINT "transactions_category_id_fkey", DROP COLUMN "category_id";
-- reverse: set comment to column: "parent_id" on table: "categories"
COMMENT ON COLUMN "categories"."parent_id" IS '';
-- reverse: set comment to table: "categories"
COMMENT ON TABLE "categories" IS '';
-- reverse: create "categories" table
DROP TABLE "categories";
