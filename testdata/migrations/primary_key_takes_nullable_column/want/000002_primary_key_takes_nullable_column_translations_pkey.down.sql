-- Migration 000002 primary_key_takes_nullable_column_translations_pkey, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration primary_key_takes_nullable_column: refuses NULL in the columns primary key "translations_pkey" takes with checks validated without blocking writes, so that the next step sets NOT NULL without a scan, then builds the key's unique index under a name of its own without blocking writes (CREATE UNIQUE INDEX CONCURRENTLY, outside a transaction); the next step makes it the key (ADD CONSTRAINT … PRIMARY KEY USING INDEX) instead of building it under the table's lock; an interrupted run resumes at the statement that failed, and an invalid index it left is built again

-- cpcgen:no-transaction
-- reverse: build index "translations_pkey_cpcgen_new" of table "translations" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "translations_pkey_cpcgen_new";
-- reverse: refuse NULL in "translations"."object_type", which primary key "translations_pkey" takes, for new rows; the next statement checks the existing rows
ALTER TABLE "translations" DROP CONSTRAINT IF EXISTS "translations_object_type_not_null";
