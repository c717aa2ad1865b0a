-- Migration 000003 primary_key_added_to_keyless_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration primary_key_added_to_keyless_table: the schema changes, in one transaction

-- reverse: modify "visits" table
ALTER TABLE "visits" DROP CONSTRAINT "visits_pkey";
CREATE UNIQUE INDEX "visits_pkey_cpcgen_new" ON "visits" ("session_id", "seen_at");
