-- Migration 000002 column_collations, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create "tags" table
DROP TABLE "tags";
-- reverse: set comment to table: "accounts"
COMMENT ON TABLE "accounts" IS NULL;
-- reverse: modify "accounts" table
ALTER TABLE "accounts" ALTER COLUMN "handle" TYPE character varying(40), ALTER COLUMN "email" TYPE text COLLATE "C", DROP COLUMN "sort", ADD COLUMN "motto" text NULL COLLATE "C";
COMMENT ON COLUMN "accounts"."motto" IS 'dropped with its collation';
