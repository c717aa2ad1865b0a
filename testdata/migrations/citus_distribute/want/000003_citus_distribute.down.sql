-- Migration 000003 citus_distribute, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration citus_distribute: the schema changes, in one transaction

-- reverse: distribute table "payments" over the Citus cluster by "org_id"
SELECT undistribute_table('payments');
-- reverse: distribute table "accounts" over the Citus cluster by "org_id"
SELECT undistribute_table('accounts');
-- reverse: distribute table "orgs" over the Citus cluster by "id"
SELECT undistribute_table('orgs');
-- reverse: make table "currencies" a Citus reference table, copied to every node
SELECT undistribute_table('currencies');
-- reverse: create "payments" table
DROP TABLE "payments";
-- reverse: modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_currency_fkey", DROP CONSTRAINT "accounts_pkey", DROP COLUMN "currency", ADD PRIMARY KEY ("id");
CREATE UNIQUE INDEX "accounts_pkey_cpcgen_new" ON "accounts" ("org_id", "id");
-- reverse: create "currencies" table
DROP TABLE "currencies";
