-- Migration 000002 partitioned_unique_index_to_constraint, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- make unique index "kinds_kind_key" of partitioned table "kinds" a unique constraint, built again
ALTER TABLE "events" DROP CONSTRAINT "events_kind_fkey";
-- make unique index "kinds_kind_key" of partitioned table "kinds" a unique constraint, built again
DROP INDEX "kinds_kind_key";
-- make unique index "kinds_kind_key" of partitioned table "kinds" a unique constraint, built again
ALTER TABLE "kinds" ADD CONSTRAINT "kinds_kind_key" UNIQUE ("kind");
-- make unique index "kinds_kind_key" of partitioned table "kinds" a unique constraint, built again
ALTER TABLE "events" ADD
CONSTRAINT "events_kind_fkey" FOREIGN KEY ("kind") REFERENCES "kinds" ("kind") ON UPDATE NO ACTION ON DELETE NO ACTION;
