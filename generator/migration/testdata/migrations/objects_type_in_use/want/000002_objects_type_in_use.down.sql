-- Migration 000002 objects_type_in_use, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: alter type "money_pair" in place: columns use it
COMMENT ON TYPE money_pair IS NULL;
ALTER TYPE money_pair DROP ATTRIBUTE "Rate", DROP ATTRIBUTE note;
