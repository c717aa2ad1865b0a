-- Migration 000002 rename_column_in_exprs, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename a column from "Label" to "title"
ALTER TABLE "items" RENAME COLUMN "title" TO "Label";
-- reverse: rename a column from "qty" to "quantity"
ALTER TABLE "items" RENAME COLUMN "quantity" TO "qty";
