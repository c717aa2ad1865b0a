-- Migration 000002 partitioned_unique_index_to_constraint, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: make unique index "kinds_kind_key" of partitioned table "kinds" a unique constraint, built again
ALTER TABLE "events" DROP CONSTRAINT "events_kind_fkey";
-- reverse: make unique index "kinds_kind_key" of partitioned table "kinds" a unique constraint, built again
ALTER TABLE "kinds" DROP CONSTRAINT "kinds_kind_key";
-- reverse: make unique index "kinds_kind_key" of partitioned table "kinds" a unique constraint, built again
CREATE UNIQUE INDEX "kinds_kind_key" ON "kinds" ("kind");
-- reverse: make unique index "kinds_kind_key" of partitioned table "kinds" a unique constraint, built again
ALTER TABLE "events" ADD
CONSTRAINT "events_kind_fkey" FOREIGN KEY ("kind") REFERENCES "kinds" ("kind") ON UPDATE NO ACTION ON DELETE NO ACTION;
