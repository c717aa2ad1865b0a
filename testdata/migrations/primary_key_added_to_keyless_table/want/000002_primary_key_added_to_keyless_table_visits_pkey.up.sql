-- Migration 000002 primary_key_added_to_keyless_table_visits_pkey, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration primary_key_added_to_keyless_table: builds the unique index of primary key "visits_pkey" under a name of its own without blocking writes (CREATE UNIQUE INDEX CONCURRENTLY, outside a transaction); the next step makes it the key (ADD CONSTRAINT … PRIMARY KEY USING INDEX) instead of building it under the table's lock; an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "visits_pkey_cpcgen_new" of table "visits" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "visits_pkey_cpcgen_new" ON "visits" ("session_id", "seen_at");
