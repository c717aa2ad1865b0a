-- Migration 000002 behaviours, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration behaviours: the schema changes, in one transaction

-- reverse: create policy "cpcgen_tenant" on table "projects": rows of the verified tenant only
DROP POLICY "cpcgen_tenant" ON "projects";
-- reverse: apply row-level security to the owner of table "projects" too
ALTER TABLE "projects" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "projects"
ALTER TABLE "projects" DISABLE ROW LEVEL SECURITY;
-- reverse: create trigger "cpcgen_audit" on "projects"
DROP TRIGGER "cpcgen_audit" ON "projects";
-- reverse: create row-level security policy "cpcgen_tenant" on "cpcgen_audit_log"
DROP POLICY "cpcgen_tenant" ON "cpcgen_audit_log";
ALTER TABLE "cpcgen_audit_log" DISABLE ROW LEVEL SECURITY;
-- reverse: create function "cpcgen_audit_verify"
DROP FUNCTION cpcgen_audit_verify(text);
-- reverse: create function "cpcgen_audit"
DROP FUNCTION cpcgen_audit();
-- reverse: create function "cpcgen_audit_adopt"
DROP FUNCTION cpcgen_audit_adopt();
-- reverse: create function "cpcgen_audit_mask"
DROP FUNCTION cpcgen_audit_mask(jsonb, text, text, text[]);
-- reverse: create function "cpcgen_audit_hash"
DROP FUNCTION cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log);
-- reverse: create function "cpcgen_tenant"
DROP FUNCTION cpcgen_tenant();
-- reverse: set comment to column: "added_at" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."added_at" IS NULL;
-- reverse: set comment to column: "outer_key" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."outer_key" IS NULL;
-- reverse: set comment to column: "inner_key" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."inner_key" IS NULL;
-- reverse: set comment to column: "id" on table: "cpcgen_tenant_keys"
COMMENT ON COLUMN "cpcgen_tenant_keys"."id" IS NULL;
-- reverse: set comment to table: "cpcgen_tenant_keys"
COMMENT ON TABLE "cpcgen_tenant_keys" IS NULL;
-- reverse: create "cpcgen_tenant_keys" table
DROP TABLE "cpcgen_tenant_keys";
-- reverse: set comment to table: "cpcgen_audit_key"
COMMENT ON TABLE "cpcgen_audit_key" IS NULL;
-- reverse: create "cpcgen_audit_key" table
DROP TABLE "cpcgen_audit_key";
-- reverse: set comment to table: "cpcgen_audit_head"
COMMENT ON TABLE "cpcgen_audit_head" IS NULL;
-- reverse: create "cpcgen_audit_head" table
DROP TABLE "cpcgen_audit_head";
-- reverse: set comment to column: "hash" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."hash" IS NULL;
-- reverse: set comment to column: "seq" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."seq" IS NULL;
-- reverse: set comment to column: "tenant" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."tenant" IS NULL;
-- reverse: set comment to column: "txid" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."txid" IS NULL;
-- reverse: set comment to column: "at" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."at" IS NULL;
-- reverse: set comment to column: "new" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."new" IS NULL;
-- reverse: set comment to column: "old" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."old" IS NULL;
-- reverse: set comment to column: "actor" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."actor" IS NULL;
-- reverse: set comment to column: "action" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."action" IS NULL;
-- reverse: set comment to column: "row_key" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."row_key" IS NULL;
-- reverse: set comment to column: "table_name" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."table_name" IS NULL;
-- reverse: set comment to table: "cpcgen_audit_log"
COMMENT ON TABLE "cpcgen_audit_log" IS NULL;
-- reverse: create index "cpcgen_audit_log_tenant_seq_key" to table: "cpcgen_audit_log"
DROP INDEX "cpcgen_audit_log_tenant_seq_key";
-- reverse: create index "cpcgen_audit_log_table_name_row_key_id_idx" to table: "cpcgen_audit_log"
DROP INDEX "cpcgen_audit_log_table_name_row_key_id_idx";
-- reverse: create "cpcgen_audit_log" table
DROP TABLE "cpcgen_audit_log";
-- reverse: modify "projects" table
ALTER TABLE "projects" DROP CONSTRAINT "projects_budget_max", DROP CONSTRAINT "projects_budget_min", DROP CONSTRAINT "projects_contact_format", DROP CONSTRAINT "projects_slug_format", DROP CONSTRAINT "projects_name_min_length", DROP COLUMN "version", DROP COLUMN "deleted_at", DROP COLUMN "updated_at", DROP COLUMN "created_at", DROP COLUMN "budget", DROP COLUMN "contact";
