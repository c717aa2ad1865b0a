-- Migration 000008 tenant_scoped_keys, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration tenant_scoped_keys: the schema changes, in one transaction

-- modify "customers" table
ALTER TABLE "customers" ADD CONSTRAINT "customers_organization_id_id_key" UNIQUE ("organization_id", "id");
-- modify "deals" table
ALTER TABLE "deals" DROP CONSTRAINT "deals_customer_id_fkey", ADD CONSTRAINT "deals_organization_id_id_key" UNIQUE ("organization_id", "id"), ADD
CONSTRAINT "deals_customer_id_fkey" FOREIGN KEY ("organization_id", "customer_id") REFERENCES "customers" ("organization_id", "id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
-- modify "activities" table
ALTER TABLE "activities" DROP CONSTRAINT "activities_customer_id_fkey", DROP CONSTRAINT "activities_deal_id_fkey", ADD
CONSTRAINT "activities_customer_id_fkey" FOREIGN KEY ("organization_id", "customer_id") REFERENCES "customers" ("organization_id", "id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID, ADD
CONSTRAINT "activities_deal_id_fkey" FOREIGN KEY ("organization_id", "deal_id") REFERENCES "deals" ("organization_id", "id") ON UPDATE NO ACTION ON DELETE SET NULL ("deal_id") NOT VALID;
-- modify "contacts" table
ALTER TABLE "contacts" DROP CONSTRAINT "contacts_customer_id_fkey", ADD
CONSTRAINT "contacts_customer_id_fkey" FOREIGN KEY ("organization_id", "customer_id") REFERENCES "customers" ("organization_id", "id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
-- modify "tags" table
ALTER TABLE "tags" ADD CONSTRAINT "tags_organization_id_id_key" UNIQUE ("organization_id", "id");
-- modify "customer_tags" table
ALTER TABLE "customer_tags" DROP CONSTRAINT "customer_tags_customer_id_fkey", DROP CONSTRAINT "customer_tags_tag_id_fkey", ADD
CONSTRAINT "customer_tags_customer_id_fkey" FOREIGN KEY ("organization_id", "customer_id") REFERENCES "customers" ("organization_id", "id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID, ADD
CONSTRAINT "customer_tags_tag_id_fkey" FOREIGN KEY ("organization_id", "tag_id") REFERENCES "tags" ("organization_id", "id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
