-- Migration 000002 rename_check, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename constraint "version" of table "river_migration" to "version_gte_1"
ALTER TABLE "river_migration" RENAME CONSTRAINT "version_gte_1" TO "version";
