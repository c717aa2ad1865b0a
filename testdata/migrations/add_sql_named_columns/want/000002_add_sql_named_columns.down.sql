-- Migration 000002 add_sql_named_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_sql_named_columns: the schema changes, in one transaction

-- reverse: set comment to table: "releases"
COMMENT ON TABLE "releases" IS NULL;
-- reverse: modify "releases" table
ALTER TABLE "releases" DROP COLUMN "opens", DROP COLUMN "stops", DROP COLUMN "spot", DROP COLUMN "version", ALTER COLUMN "notes" TYPE xml USING "notes"::xml;
