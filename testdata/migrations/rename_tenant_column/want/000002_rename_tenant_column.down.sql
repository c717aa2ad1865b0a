-- Migration 000002 rename_tenant_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename an index from "accounts_org_id_id_key" to "accounts_tenant_id_id_key"
ALTER INDEX "accounts_tenant_id_id_key" RENAME TO "accounts_org_id_id_key";
-- reverse: rename an index from "accounts_code_key" to "accounts_ref_key"
ALTER INDEX "accounts_ref_key" RENAME TO "accounts_code_key";
-- reverse: rename a column from "org_id" to "tenant_id"
ALTER TABLE "notes" RENAME COLUMN "tenant_id" TO "org_id";
-- reverse: rename a column from "code" to "ref"
ALTER TABLE "accounts" RENAME COLUMN "ref" TO "code";
-- reverse: rename a column from "org_id" to "tenant_id"
ALTER TABLE "accounts" RENAME COLUMN "tenant_id" TO "org_id";
