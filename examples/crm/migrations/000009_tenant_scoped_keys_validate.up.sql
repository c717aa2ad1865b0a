-- Migration 000009 tenant_scoped_keys_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration tenant_scoped_keys: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate foreign key "contacts_customer_id_fkey" of table "contacts" against the existing rows
ALTER TABLE "contacts" VALIDATE CONSTRAINT "contacts_customer_id_fkey";
-- validate foreign key "deals_customer_id_fkey" of table "deals" against the existing rows
ALTER TABLE "deals" VALIDATE CONSTRAINT "deals_customer_id_fkey";
-- validate foreign key "activities_customer_id_fkey" of table "activities" against the existing rows
ALTER TABLE "activities" VALIDATE CONSTRAINT "activities_customer_id_fkey";
-- validate foreign key "activities_deal_id_fkey" of table "activities" against the existing rows
ALTER TABLE "activities" VALIDATE CONSTRAINT "activities_deal_id_fkey";
-- validate foreign key "customer_tags_customer_id_fkey" of table "customer_tags" against the existing rows
ALTER TABLE "customer_tags" VALIDATE CONSTRAINT "customer_tags_customer_id_fkey";
-- validate foreign key "customer_tags_tag_id_fkey" of table "customer_tags" against the existing rows
ALTER TABLE "customer_tags" VALIDATE CONSTRAINT "customer_tags_tag_id_fkey";
