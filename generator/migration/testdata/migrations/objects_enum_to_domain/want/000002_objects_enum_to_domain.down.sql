-- Migration 000002 objects_enum_to_domain, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create domain "mood"
DROP DOMAIN mood;
-- reverse: drop enum type "mood"
CREATE TYPE "mood" AS ENUM ('happy', 'sad');
