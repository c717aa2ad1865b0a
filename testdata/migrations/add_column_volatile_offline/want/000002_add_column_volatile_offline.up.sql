-- Migration 000002 add_column_volatile_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ADD COLUMN "token" uuid NOT NULL DEFAULT gen_random_uuid(), ADD COLUMN "ref" uuid NULL DEFAULT gen_random_uuid();
