-- Migration 000002 objects_type_in_use, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- alter type "money_pair" in place: columns use it
ALTER TYPE money_pair ADD ATTRIBUTE note text, ADD ATTRIBUTE "Rate" double precision;
COMMENT ON TYPE money_pair IS 'An amount in a currency, with a note.';
