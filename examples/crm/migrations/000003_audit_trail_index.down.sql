-- Migration 000003 audit_trail_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create index "cpcgen_audit_log_table_name_row_key_id_idx" to table: "cpcgen_audit_log"
DROP INDEX "cpcgen_audit_log_table_name_row_key_id_idx";
