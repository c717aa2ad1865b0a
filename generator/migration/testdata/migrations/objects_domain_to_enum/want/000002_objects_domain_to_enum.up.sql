-- Migration 000002 objects_domain_to_enum, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop domain "mood"
DROP DOMAIN mood;
-- create enum type "mood"
CREATE TYPE "mood" AS ENUM ('happy', 'sad');
