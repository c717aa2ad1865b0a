-- Migration 000003 audit_trail_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create index "cpcgen_audit_log_table_name_row_key_id_idx" to table: "cpcgen_audit_log"
CREATE INDEX "cpcgen_audit_log_table_name_row_key_id_idx" ON "cpcgen_audit_log" ("table_name", "row_key", "id");
