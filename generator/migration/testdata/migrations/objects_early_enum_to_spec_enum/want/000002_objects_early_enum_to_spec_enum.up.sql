-- Migration 000002 objects_early_enum_to_spec_enum, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop type "feeling"
DROP TYPE feeling;
-- drop object "mood"
DROP TYPE mood;
-- create enum type "mood"
CREATE TYPE "mood" AS ENUM ('happy', 'sad');
-- modify "notes" table
ALTER TABLE "notes" ADD COLUMN "mood" "mood" NULL;
