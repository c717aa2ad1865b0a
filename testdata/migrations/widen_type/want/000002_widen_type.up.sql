-- Migration 000002 widen_type, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ALTER COLUMN "username" TYPE character varying(128), ALTER COLUMN "age" TYPE bigint, ALTER COLUMN "score" TYPE numeric(12,2);
