-- Migration 000002 objects_enum_to_domain, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop enum type "mood"
DROP TYPE "mood";
-- create domain "mood"
CREATE DOMAIN mood AS text CHECK (VALUE IN ('happy', 'sad'));
