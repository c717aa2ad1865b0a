-- Migration 000002 not_null_with_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ADD COLUMN "country" character(2) NOT NULL DEFAULT 'US'::char(2);
