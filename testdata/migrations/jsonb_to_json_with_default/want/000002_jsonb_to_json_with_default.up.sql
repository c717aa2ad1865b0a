-- Migration 000002 jsonb_to_json_with_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "prompts" table
ALTER TABLE "prompts" ALTER COLUMN "config" DROP DEFAULT, ALTER COLUMN "config" TYPE json, ALTER COLUMN "config" SET DEFAULT '{}'::json;
