-- Migration 000008 tenant_scoped_keys, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration tenant_scoped_keys: the schema changes, in one transaction

-- reverse: modify "customer_tags" table
ALTER TABLE "customer_tags" DROP CONSTRAINT "customer_tags_tag_id_fkey", DROP CONSTRAINT "customer_tags_customer_id_fkey", ADD
CONSTRAINT "customer_tags_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, ADD
CONSTRAINT "customer_tags_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;
-- reverse: modify "tags" table
ALTER TABLE "tags" DROP CONSTRAINT "tags_organization_id_id_key";
-- reverse: modify "contacts" table
ALTER TABLE "contacts" DROP CONSTRAINT "contacts_customer_id_fkey", ADD
CONSTRAINT "contacts_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;
-- reverse: modify "activities" table
ALTER TABLE "activities" DROP CONSTRAINT "activities_deal_id_fkey", DROP CONSTRAINT "activities_customer_id_fkey", ADD
CONSTRAINT "activities_deal_id_fkey" FOREIGN KEY ("deal_id") REFERENCES "deals" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, ADD
CONSTRAINT "activities_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;
-- reverse: modify "deals" table
ALTER TABLE "deals" DROP CONSTRAINT "deals_customer_id_fkey", DROP CONSTRAINT "deals_organization_id_id_key", ADD
CONSTRAINT "deals_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;
-- reverse: modify "customers" table
ALTER TABLE "customers" DROP CONSTRAINT "customers_organization_id_id_key";
