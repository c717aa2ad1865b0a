-- Migration 000005 audit_log_tenant, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration audit_log_tenant: the schema changes, in one transaction

-- reverse: create trigger "cpcgen_audit" on "deals"
DROP TRIGGER "cpcgen_audit" ON "deals";
-- reverse: create trigger "cpcgen_audit" on "customers"
DROP TRIGGER "cpcgen_audit" ON "customers";
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
-- reverse: set comment to table: "cpcgen_audit_key"
COMMENT ON TABLE "cpcgen_audit_key" IS '';
-- reverse: create "cpcgen_audit_key" table
DROP TABLE "cpcgen_audit_key";
-- reverse: set comment to table: "cpcgen_audit_head"
COMMENT ON TABLE "cpcgen_audit_head" IS '';
-- reverse: create "cpcgen_audit_head" table
DROP TABLE "cpcgen_audit_head";
-- reverse: set comment to column: "hash" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."hash" IS '';
-- reverse: set comment to column: "seq" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."seq" IS '';
-- reverse: set comment to column: "tenant" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."tenant" IS '';
-- reverse: set comment to column: "new" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."new" IS 'The row after the change; NULL for a deleted row.';
-- reverse: set comment to column: "old" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."old" IS 'The row before the change; NULL for a new row.';
-- reverse: set comment to column: "actor" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."actor" IS 'Who acted: runtime.WithActor, NULL when not given.';
-- reverse: set comment to table: "cpcgen_audit_log"
COMMENT ON TABLE "cpcgen_audit_log" IS 'One row per row changed by a write of a table with audit: true, written by the same statement as the change.';
-- reverse: modify "cpcgen_audit_log" table
ALTER TABLE "cpcgen_audit_log" DROP COLUMN "hash", DROP COLUMN "seq", DROP COLUMN "tenant";
