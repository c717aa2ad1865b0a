-- Migration 000006 audit_log_tenant_cpcgen_audit_log_tenant_seq_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration audit_log_tenant: builds index "cpcgen_audit_log_tenant_seq_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "cpcgen_audit_log_tenant_seq_key" of table "cpcgen_audit_log" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "cpcgen_audit_log_tenant_seq_key";
