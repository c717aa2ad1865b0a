-- Migration 000002 check_expression_to_new_name, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration check_expression_to_new_name: the schema changes, in one transaction

-- reverse: modify "products" table
ALTER TABLE "products" DROP CONSTRAINT "y", DROP CONSTRAINT "x", ADD CONSTRAINT "x" CHECK (price > 0);
