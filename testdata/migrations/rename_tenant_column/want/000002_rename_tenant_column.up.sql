-- Migration 000002 rename_tenant_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename a column from "org_id" to "tenant_id"
ALTER TABLE "accounts" RENAME COLUMN "org_id" TO "tenant_id";
-- rename a column from "code" to "ref"
ALTER TABLE "accounts" RENAME COLUMN "code" TO "ref";
-- rename a column from "org_id" to "tenant_id"
ALTER TABLE "notes" RENAME COLUMN "org_id" TO "tenant_id";
-- rename an index from "accounts_code_key" to "accounts_ref_key"
ALTER INDEX "accounts_code_key" RENAME TO "accounts_ref_key";
-- rename an index from "accounts_org_id_id_key" to "accounts_tenant_id_id_key"
ALTER INDEX "accounts_org_id_id_key" RENAME TO "accounts_tenant_id_id_key";
