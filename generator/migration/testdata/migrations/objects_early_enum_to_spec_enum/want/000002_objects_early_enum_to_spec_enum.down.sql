-- Migration 000002 objects_early_enum_to_spec_enum, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "notes" table
ALTER TABLE "notes" DROP COLUMN "mood";
-- reverse: create enum type "mood"
DROP TYPE "mood";
-- reverse: drop object "mood"
CREATE TYPE mood AS ENUM ('happy', 'sad');
-- reverse: drop type "feeling"
CREATE TYPE feeling AS (m mood, strength integer);
