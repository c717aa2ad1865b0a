-- Migration 000002 add_sql_named_columns, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_sql_named_columns: the schema changes, in one transaction

-- modify "releases" table
ALTER TABLE "releases" ALTER COLUMN "notes" TYPE text USING "notes"::text, ADD COLUMN "version" version_triple NULL, ADD COLUMN "spot" point NULL, ADD COLUMN "stops" version_triple[] NOT NULL DEFAULT '{}', ADD COLUMN "opens" timetz(3) NOT NULL DEFAULT '09:00:00+01';
-- set comment to table: "releases"
COMMENT ON TABLE "releases" IS 'Columns of types named by their SQL added, and one changed to a built-in type.';
