-- Migration 000007 tenant_tokens, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create policy "cpcgen_tenant" on table "tags": rows of the verified tenant only
DROP POLICY "cpcgen_tenant" ON "tags";
-- reverse: apply row-level security to the owner of table "tags" too
ALTER TABLE "tags" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "tags"
ALTER TABLE "tags" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "organizations": rows of the verified tenant only
DROP POLICY "cpcgen_tenant" ON "organizations";
-- reverse: apply row-level security to the owner of table "organizations" too
ALTER TABLE "organizations" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "organizations"
ALTER TABLE "organizations" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "deals": rows of the verified tenant only
DROP POLICY "cpcgen_tenant" ON "deals";
-- reverse: apply row-level security to the owner of table "deals" too
ALTER TABLE "deals" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "deals"
ALTER TABLE "deals" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "customers": rows of the verified tenant only
DROP POLICY "cpcgen_tenant" ON "customers";
-- reverse: apply row-level security to the owner of table "customers" too
ALTER TABLE "customers" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "customers"
ALTER TABLE "customers" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "customer_tags": rows of the verified tenant only
DROP POLICY "cpcgen_tenant" ON "customer_tags";
-- reverse: apply row-level security to the owner of table "customer_tags" too
ALTER TABLE "customer_tags" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "customer_tags"
ALTER TABLE "customer_tags" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "contacts": rows of the verified tenant only
DROP POLICY "cpcgen_tenant" ON "contacts";
-- reverse: apply row-level security to the owner of table "contacts" too
ALTER TABLE "contacts" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "contacts"
ALTER TABLE "contacts" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "activities": rows of the verified tenant only
DROP POLICY "cpcgen_tenant" ON "activities";
-- reverse: apply row-level security to the owner of table "activities" too
ALTER TABLE "activities" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "activities"
ALTER TABLE "activities" DISABLE ROW LEVEL SECURITY;
-- reverse: create row-level security policy "cpcgen_tenant" on "cpcgen_audit_log" again
DROP POLICY "cpcgen_tenant" ON "cpcgen_audit_log";
ALTER TABLE "cpcgen_audit_log" DISABLE ROW LEVEL SECURITY;
-- reverse: create function "cpcgen_tenant"
DROP FUNCTION cpcgen_tenant();
-- reverse: set comment to column: "added_at" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."added_at" IS '';
-- reverse: set comment to column: "outer_key" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."outer_key" IS '';
-- reverse: set comment to column: "inner_key" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."inner_key" IS '';
-- reverse: set comment to column: "id" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."id" IS '';
-- reverse: set comment to table: "cpcgen_tenant_keys"
COMMENT ON TABLE "cpcgen_tenant_keys" IS '';
-- reverse: create "cpcgen_tenant_keys" table
DROP TABLE "cpcgen_tenant_keys";
-- reverse: drop row-level security policy "cpcgen_tenant" on "cpcgen_audit_log", to create it again: its definition changed
ALTER TABLE "cpcgen_audit_log" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "cpcgen_tenant" ON "cpcgen_audit_log" FOR SELECT USING ("tenant" IS NULL OR "tenant" = NULLIF(current_setting('cpcgen.tenant', true), '')::text);
-- reverse: disable row-level security on table "tags"
ALTER TABLE "tags" ENABLE ROW LEVEL SECURITY;
-- reverse: stop applying row-level security to the owner of table "tags"
ALTER TABLE "tags" FORCE ROW LEVEL SECURITY;
-- reverse: drop policy "cpcgen_tenant" on table "tags"
CREATE POLICY "cpcgen_tenant" ON "tags" USING ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
-- reverse: disable row-level security on table "organizations"
ALTER TABLE "organizations" ENABLE ROW LEVEL SECURITY;
-- reverse: stop applying row-level security to the owner of table "organizations"
ALTER TABLE "organizations" FORCE ROW LEVEL SECURITY;
-- reverse: drop policy "cpcgen_tenant" on table "organizations"
CREATE POLICY "cpcgen_tenant" ON "organizations" USING ("id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
-- reverse: disable row-level security on table "deals"
ALTER TABLE "deals" ENABLE ROW LEVEL SECURITY;
-- reverse: stop applying row-level security to the owner of table "deals"
ALTER TABLE "deals" FORCE ROW LEVEL SECURITY;
-- reverse: drop policy "cpcgen_tenant" on table "deals"
CREATE POLICY "cpcgen_tenant" ON "deals" USING ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
-- reverse: disable row-level security on table "customers"
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;
-- reverse: stop applying row-level security to the owner of table "customers"
ALTER TABLE "customers" FORCE ROW LEVEL SECURITY;
-- reverse: drop policy "cpcgen_tenant" on table "customers"
CREATE POLICY "cpcgen_tenant" ON "customers" USING ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
-- reverse: disable row-level security on table "customer_tags"
ALTER TABLE "customer_tags" ENABLE ROW LEVEL SECURITY;
-- reverse: stop applying row-level security to the owner of table "customer_tags"
ALTER TABLE "customer_tags" FORCE ROW LEVEL SECURITY;
-- reverse: drop policy "cpcgen_tenant" on table "customer_tags"
CREATE POLICY "cpcgen_tenant" ON "customer_tags" USING ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
-- reverse: disable row-level security on table "contacts"
ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY;
-- reverse: stop applying row-level security to the owner of table "contacts"
ALTER TABLE "contacts" FORCE ROW LEVEL SECURITY;
-- reverse: drop policy "cpcgen_tenant" on table "contacts"
CREATE POLICY "cpcgen_tenant" ON "contacts" USING ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
-- reverse: disable row-level security on table "activities"
ALTER TABLE "activities" ENABLE ROW LEVEL SECURITY;
-- reverse: stop applying row-level security to the owner of table "activities"
ALTER TABLE "activities" FORCE ROW LEVEL SECURITY;
-- reverse: drop policy "cpcgen_tenant" on table "activities"
CREATE POLICY "cpcgen_tenant" ON "activities" USING ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
