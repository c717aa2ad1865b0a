-- Migration 000002 citus_distribute_accounts_pkey, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration citus_distribute: builds the unique index of primary key "accounts_pkey" under a name of its own without blocking writes (CREATE UNIQUE INDEX CONCURRENTLY, outside a transaction); the next step makes it the key (ADD CONSTRAINT … PRIMARY KEY USING INDEX) instead of building it under the table's lock; an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "accounts_pkey_cpcgen_new" of table "accounts" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "accounts_pkey_cpcgen_new" ON "accounts" ("org_id", "id");
