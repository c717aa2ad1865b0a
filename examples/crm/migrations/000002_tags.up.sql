-- Migration 000002 tags, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create "tags" table
CREATE TABLE "tags" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "organization_id" uuid NOT NULL,
  "name" character varying(64) NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "tags_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT "tags_name_min_length" CHECK (char_length("name") >= 1)
);
-- create index "tags_organization_id_name_key" to table: "tags"
CREATE UNIQUE INDEX "tags_organization_id_name_key" ON "tags" ("organization_id", "name");
-- set comment to table: "tags"
COMMENT ON TABLE "tags" IS 'A label customers can carry, such as vip or churn-risk.';
-- create "customer_tags" table
CREATE TABLE "customer_tags" (
  "organization_id" uuid NOT NULL,
  "customer_id" uuid NOT NULL,
  "tag_id" uuid NOT NULL,
  PRIMARY KEY ("customer_id", "tag_id"),
  CONSTRAINT "customer_tags_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT "customer_tags_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT "customer_tags_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags" ("id") ON UPDATE NO ACTION ON DELETE CASCADE
);
-- set comment to table: "customer_tags"
COMMENT ON TABLE "customer_tags" IS 'Which customer carries which tag.';
-- enable row-level security on table "customer_tags"
ALTER TABLE "customer_tags" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "customer_tags" too
ALTER TABLE "customer_tags" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "customer_tags": rows of the transaction's tenant only
CREATE POLICY "cpcgen_tenant" ON "customer_tags" USING ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
-- enable row-level security on table "tags"
ALTER TABLE "tags" ENABLE ROW LEVEL SECURITY;
-- apply row-level security to the owner of table "tags" too
ALTER TABLE "tags" FORCE ROW LEVEL SECURITY;
-- create policy "cpcgen_tenant" on table "tags": rows of the transaction's tenant only
CREATE POLICY "cpcgen_tenant" ON "tags" USING ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid) WITH CHECK ("organization_id" = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid);
