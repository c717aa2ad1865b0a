-- Migration 000001 init, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create policy "cpcgen_tenant" on table "organizations": rows of the transaction's tenant only
DROP POLICY "cpcgen_tenant" ON "organizations";
-- reverse: apply row-level security to the owner of table "organizations" too
ALTER TABLE "organizations" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "organizations"
ALTER TABLE "organizations" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "deals": rows of the transaction's tenant only
DROP POLICY "cpcgen_tenant" ON "deals";
-- reverse: apply row-level security to the owner of table "deals" too
ALTER TABLE "deals" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "deals"
ALTER TABLE "deals" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "customers": rows of the transaction's tenant only
DROP POLICY "cpcgen_tenant" ON "customers";
-- reverse: apply row-level security to the owner of table "customers" too
ALTER TABLE "customers" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "customers"
ALTER TABLE "customers" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "contacts": rows of the transaction's tenant only
DROP POLICY "cpcgen_tenant" ON "contacts";
-- reverse: apply row-level security to the owner of table "contacts" too
ALTER TABLE "contacts" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "contacts"
ALTER TABLE "contacts" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "activities": rows of the transaction's tenant only
DROP POLICY "cpcgen_tenant" ON "activities";
-- reverse: apply row-level security to the owner of table "activities" too
ALTER TABLE "activities" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "activities"
ALTER TABLE "activities" DISABLE ROW LEVEL SECURITY;
-- reverse: set comment to table: "contacts"
COMMENT ON TABLE "contacts" IS '';
-- reverse: create "contacts" table
DROP TABLE "contacts";
-- reverse: set comment to table: "activities"
COMMENT ON TABLE "activities" IS '';
-- reverse: create index "activities_customer_id_happened_at_idx" to table: "activities"
DROP INDEX "activities_customer_id_happened_at_idx";
-- reverse: create "activities" table
DROP TABLE "activities";
-- reverse: set comment to column: "closes_on" on table: "deals"
COMMENT ON COLUMN "deals"."closes_on" IS '';
-- reverse: set comment to table: "deals"
COMMENT ON TABLE "deals" IS '';
-- reverse: create index "deals_organization_id_stage_idx" to table: "deals"
DROP INDEX "deals_organization_id_stage_idx";
-- reverse: create "deals" table
DROP TABLE "deals";
-- reverse: set comment to column: "email" on table: "customers"
COMMENT ON COLUMN "customers"."email" IS '';
-- reverse: set comment to table: "customers"
COMMENT ON TABLE "customers" IS '';
-- reverse: create index "customers_organization_id_name_id_idx" to table: "customers"
DROP INDEX "customers_organization_id_name_id_idx";
-- reverse: create index "customers_org_email_key" to table: "customers"
DROP INDEX "customers_org_email_key";
-- reverse: create "customers" table
DROP TABLE "customers";
-- reverse: set comment to column: "txid" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."txid" IS '';
-- reverse: set comment to column: "at" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."at" IS '';
-- reverse: set comment to column: "new" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."new" IS '';
-- reverse: set comment to column: "old" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."old" IS '';
-- reverse: set comment to column: "actor" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."actor" IS '';
-- reverse: set comment to column: "action" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."action" IS '';
-- reverse: set comment to column: "row_key" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."row_key" IS '';
-- reverse: set comment to column: "table_name" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."table_name" IS '';
-- reverse: set comment to table: "cpcgen_audit_log"
COMMENT ON TABLE "cpcgen_audit_log" IS '';
-- reverse: create "cpcgen_audit_log" table
DROP TABLE "cpcgen_audit_log";
-- reverse: set comment to column: "slug" on table: "organizations"
COMMENT ON COLUMN "organizations"."slug" IS '';
-- reverse: set comment to table: "organizations"
COMMENT ON TABLE "organizations" IS '';
-- reverse: create "organizations" table
DROP TABLE "organizations";
-- reverse: create enum type "activity_kind"
DROP TYPE "activity_kind";
-- reverse: create enum type "deal_stage"
DROP TYPE "deal_stage";
