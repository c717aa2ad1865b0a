-- Migration 000003 citus_distribute, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 3 of migration citus_distribute: the schema changes, in one transaction

-- create "currencies" table
CREATE TABLE "currencies" (
  "code" character(3) NOT NULL,
  PRIMARY KEY ("code")
);
-- modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_pkey", ADD COLUMN "currency" character(3) NOT NULL DEFAULT 'EUR'::char(3), ADD CONSTRAINT "accounts_pkey" PRIMARY KEY USING INDEX "accounts_pkey_cpcgen_new", ADD
CONSTRAINT "accounts_currency_fkey" FOREIGN KEY ("currency") REFERENCES "currencies" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
-- create "payments" table
CREATE TABLE "payments" (
  "org_id" uuid NOT NULL,
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "amount" numeric(18,2) NOT NULL,
  PRIMARY KEY ("org_id", "id"),
  CONSTRAINT "payments_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION
);
-- make table "currencies" a Citus reference table, copied to every node
SELECT create_reference_table('currencies');
-- distribute table "orgs" over the Citus cluster by "id"
SELECT create_distributed_table('orgs', 'id');
-- distribute table "accounts" over the Citus cluster by "org_id"
SELECT create_distributed_table('accounts', 'org_id');
-- distribute table "payments" over the Citus cluster by "org_id"
SELECT create_distributed_table('payments', 'org_id');
