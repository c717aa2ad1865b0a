-- Migration 000002 widen_type, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "users" table
ALTER TABLE "users" ALTER COLUMN "score" TYPE numeric(10,2), ALTER COLUMN "age" TYPE integer, ALTER COLUMN "username" TYPE character varying(64);
