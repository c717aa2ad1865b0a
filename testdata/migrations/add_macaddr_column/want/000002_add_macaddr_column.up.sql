-- Migration 000002 add_macaddr_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "devices" table
ALTER TABLE "devices" ADD COLUMN "mac" macaddr NOT NULL DEFAULT '08:00:2b:00:00:01'::macaddr, ADD COLUMN "backup_mac" macaddr NULL, ADD COLUMN "macs" macaddr[] NOT NULL DEFAULT '{}'::macaddr[];
