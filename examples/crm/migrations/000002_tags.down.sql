-- Migration 000002 tags, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create policy "cpcgen_tenant" on table "tags": rows of the transaction's tenant only
DROP POLICY "cpcgen_tenant" ON "tags";
-- reverse: apply row-level security to the owner of table "tags" too
ALTER TABLE "tags" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "tags"
ALTER TABLE "tags" DISABLE ROW LEVEL SECURITY;
-- reverse: create policy "cpcgen_tenant" on table "customer_tags": rows of the transaction's tenant only
DROP POLICY "cpcgen_tenant" ON "customer_tags";
-- reverse: apply row-level security to the owner of table "customer_tags" too
ALTER TABLE "customer_tags" NO FORCE ROW LEVEL SECURITY;
-- reverse: enable row-level security on table "customer_tags"
ALTER TABLE "customer_tags" DISABLE ROW LEVEL SECURITY;
-- reverse: set comment to table: "customer_tags"
COMMENT ON TABLE "customer_tags" IS '';
-- reverse: create "customer_tags" table
DROP TABLE "customer_tags";
-- reverse: set comment to table: "tags"
COMMENT ON TABLE "tags" IS '';
-- reverse: create index "tags_organization_id_name_key" to table: "tags"
DROP INDEX "tags_organization_id_name_key";
-- reverse: create "tags" table
DROP TABLE "tags";
