-- Migration 000002 add_macaddr_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "devices" table
ALTER TABLE "devices" DROP COLUMN "macs", DROP COLUMN "backup_mac", DROP COLUMN "mac";
