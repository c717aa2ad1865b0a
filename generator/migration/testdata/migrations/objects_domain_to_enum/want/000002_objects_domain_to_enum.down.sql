-- Migration 000002 objects_domain_to_enum, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create enum type "mood"
DROP TYPE "mood";
-- reverse: drop domain "mood"
CREATE DOMAIN mood AS text CHECK (VALUE IN ('happy', 'sad'));
