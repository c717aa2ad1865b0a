-- Migration 000002 drop_column_with_keys_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "children" table
ALTER TABLE "children" DROP CONSTRAINT "children_parent_fk", DROP COLUMN "new_parent", ADD COLUMN "old_parent" uuid NOT NULL, ADD COLUMN "owner" uuid NOT NULL, ADD COLUMN "code" text NOT NULL, ADD COLUMN "rank" integer NOT NULL, ADD
CONSTRAINT "children_parent_fk" FOREIGN KEY ("old_parent") REFERENCES "parents" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, ADD CONSTRAINT "children_rank_check" CHECK (rank > 0);
ALTER TABLE "children" ADD CONSTRAINT "children_code_key" UNIQUE ("code"), ADD
CONSTRAINT "children_owner_fkey" FOREIGN KEY ("owner") REFERENCES "parents" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION;
CREATE INDEX "children_old_parent_idx" ON "children" ("old_parent");
CREATE INDEX "children_kind_rank_idx" ON "children" ("kind", "rank");
