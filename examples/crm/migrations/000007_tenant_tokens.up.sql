-- Migration 000007 tenant_tokens, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop policy "cpcgen_tenant" on table "activities"
DROP POLICY "cpcgen_tenant" ON "activities";
-- stop applying row-level security to the owner of table "activities"
ALTER TABLE "activities" NO FORCE ROW LEVEL SECURITY;
-- disable row-level security on table "activities"
ALTER TABLE "activities" DISABLE ROW LEVEL SECURITY;
-- drop policy "cpcgen_tenant" on table "contacts"
DROP POLICY "cpcgen_tenant" ON "contacts";
-- stop applying row-level security to the owner of table "contacts"
ALTER TABLE "contacts" NO FORCE ROW LEVEL SECURITY;
-- disable row-level security on table "contacts"
ALTER TABLE "contacts" DISABLE ROW LEVEL SECURITY;
-- drop policy "cpcgen_tenant" on table "customer_tags"
DROP POLICY "cpcgen_tenant" ON "customer_tags";
-- stop applying row-level security to the owner of table "customer_tags"
ALTER TABLE "customer_tags" NO FORCE ROW LEVEL SECURITY;
-- disable row-level security on table "customer_tags"
ALTER TABLE "customer_tags" DISABLE ROW LEVEL SECURITY;
-- drop policy "cpcgen_tenant" on table "customers"
DROP POLICY "cpcgen_tenant" ON "customers";
-- stop applying row-level security to the owner of table "customers"
ALTER TABLE "customers" NO FORCE ROW LEVEL SECURITY;
-- disable row-level security on table "customers"
ALTER TABLE "customers" DISABLE ROW LEVEL SECURITY;
-- drop policy "cpcgen_tenant" on table "deals"
DROP POLICY "cpcgen_tenant" ON "deals";
-- stop applying row-level security to the owner of table "deals"
ALTER TABLE "deals" NO FORCE ROW LEVEL SECURITY;
-- disable row-level security on table "deals"
ALTER TABLE "deals" DISABLE ROW LEVEL SECURITY;
-- drop policy "cpcgen_tenant" on table "organizations"
DROP POLICY "cpcgen_tenant" ON "organizations";
-- stop applying row-level security to the owner of table "organizations"
ALTER TABLE "organizations" NO FORCE ROW LEVEL SECURITY;
-- disable row-level security on table "organizations"
ALTER TABLE "organizations" DISABLE ROW LEVEL SECURITY;
-- drop policy "cpcgen_tenant" on table "tags"
DROP POLICY "cpcgen_tenant" ON "tags";
-- stop applying row-level security to the owner of table "tags"
ALTER TABLE "tags" NO FORCE ROW LEVEL SECURITY;
-- disable row-level security on table "tags"
ALTER TABLE "tags" DISABLE ROW LEVEL SECURITY;
-- drop row-level security policy "cpcgen_tenant" on "cpcgen_audit_log", to create it again: its definition changed
DROP POLICY "cpcgen_tenant" ON "cpcgen_audit_log";
ALTER TABLE "cpcgen_audit_log" DISABLE ROW LEVEL SECURITY;
-- create "cpcgen_tenant_keys" table
CREATE TABLE "cpcgen_tenant_keys" (
  "id" text NOT NULL,
  "inner_key" bytea NOT NULL,
  "outer_key" bytea NOT NULL,
  "added_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id")
);
-- set comment to table: "cpcgen_tenant_keys"
COMMENT ON TABLE "cpcgen_tenant_keys" IS 'The tenant keys tenant tokens may be signed with (cpcgen tenant-key add); only the owner may read it.';
-- set comment to column: "id" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."id" IS 'The key''s id (runtime.TenantKey.ID), which tokens carry.';
-- set comment to column: "inner_key" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."inner_key" IS 'The key XOR HMAC''s inner pad (runtime.TenantKey.Pads).';
-- set comment to column: "outer_key" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."outer_key" IS 'The key XOR HMAC''s outer pad.';
-- set comment to column: "added_at" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."added_at" IS 'When the key was added.';
-- create function "cpcgen_tenant"
CREATE FUNCTION cpcgen_tenant() RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
AS $cpcgen$
DECLARE
  token text := current_setting('cpcgen.tenant', true);
BEGIN
  -- v1.<key id>.<backend pid>.<expiry>.<hmac-sha256>.<tenant>: see runtime.TenantKey
  IF token IS NULL OR length(token) <= 109 OR substr(token, 1, 3) <> 'v1.' THEN
    RETURN NULL;
  END IF;
  RETURN (SELECT substr(token, 110) FROM cpcgen_tenant_keys k
    WHERE k.id = substr(token, 4, 16)
      AND substr(token, 21, 10) IN (lpad(pg_backend_pid()::text, 10, '0'), '0000000000')
      AND substr(token, 32, 12) COLLATE "C" > lpad(floor(extract(epoch FROM statement_timestamp()))::bigint::text, 12, '0')
      AND encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(substr(token, 1, 44) || substr(token, 110), 'UTF8'))), 'hex') = substr(token, 45, 64));
END
$cpcgen$;
DO $cpcgen$
BEGIN
  EXECUTE format('ALTER FUNCTION cpcgen_tenant() SET search_path = %I, pg_temp', current_schema());
END
$cpcgen$;
REVOKE ALL ON cpcgen_tenant_keys FROM PUBLIC;
DO $cpcgen$
DECLARE
  g record;
BEGIN
  FOR g IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
      WHERE c.oid = 'cpcgen_tenant_keys'::regclass AND a.grantee NOT IN (0, c.relowner) LOOP
    EXECUTE format('REVOKE ALL ON cpcgen_tenant_keys FROM %s', g.grantee::regrole);
  END LOOP;
END
$cpcgen$;
-- create row-level security policy "cpcgen_tenant" on "cpcgen_audit_log" again
ALTER TABLE "cpcgen_audit_log" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "cpcgen_tenant" ON "cpcgen_audit_log" FOR SELECT USING ("tenant" IS NULL OR "tenant" = (SELECT cpcgen_tenant()::text));
-- enable row-level security on table "activities"
ALTER TABLE "activities" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "activities" too
ALTER TABLE "activities" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "activities": rows of the verified tenant only
CREATE POLICY "cpcgen_tenant" ON "activities" USING ("organization_id" = (SELECT cpcgen_tenant()::uuid)) WITH CHECK ("organization_id" = (SELECT cpcgen_tenant()::uuid));
-- enable row-level security on table "contacts"
ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "contacts" too
ALTER TABLE "contacts" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "contacts": rows of the verified tenant only
CREATE POLICY "cpcgen_tenant" ON "contacts" USING ("organization_id" = (SELECT cpcgen_tenant()::uuid)) WITH CHECK ("organization_id" = (SELECT cpcgen_tenant()::uuid));
-- enable row-level security on table "customer_tags"
ALTER TABLE "customer_tags" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "customer_tags" too
ALTER TABLE "customer_tags" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "customer_tags": rows of the verified tenant only
CREATE POLICY "cpcgen_tenant" ON "customer_tags" USING ("organization_id" = (SELECT cpcgen_tenant()::uuid)) WITH CHECK ("organization_id" = (SELECT cpcgen_tenant()::uuid));
-- enable row-level security on table "customers"
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "customers" too
ALTER TABLE "customers" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "customers": rows of the verified tenant only
CREATE POLICY "cpcgen_tenant" ON "customers" USING ("organization_id" = (SELECT cpcgen_tenant()::uuid)) WITH CHECK ("organization_id" = (SELECT cpcgen_tenant()::uuid));
-- enable row-level security on table "deals"
ALTER TABLE "deals" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "deals" too
ALTER TABLE "deals" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "deals": rows of the verified tenant only
CREATE POLICY "cpcgen_tenant" ON "deals" USING ("organization_id" = (SELECT cpcgen_tenant()::uuid)) WITH CHECK ("organization_id" = (SELECT cpcgen_tenant()::uuid));
-- enable row-level security on table "organizations"
ALTER TABLE "organizations" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "organizations" too
ALTER TABLE "organizations" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "organizations": rows of the verified tenant only
CREATE POLICY "cpcgen_tenant" ON "organizations" USING ("id" = (SELECT cpcgen_tenant()::uuid)) WITH CHECK ("id" = (SELECT cpcgen_tenant()::uuid));
-- enable row-level security on table "tags"
ALTER TABLE "tags" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "tags" too
ALTER TABLE "tags" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "tags": rows of the verified tenant only
CREATE POLICY "cpcgen_tenant" ON "tags" USING ("organization_id" = (SELECT cpcgen_tenant()::uuid)) WITH CHECK ("organization_id" = (SELECT cpcgen_tenant()::uuid));
