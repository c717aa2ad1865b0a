-- Migration 000002 widen_varchar_with_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ALTER COLUMN "locale" TYPE character varying(32), ALTER COLUMN "locale" SET DEFAULT 'en'::varchar(32);
