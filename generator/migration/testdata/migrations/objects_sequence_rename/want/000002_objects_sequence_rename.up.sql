-- Migration 000002 objects_sequence_rename, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop object "ticket_no_owned_by", to create it again: its definition changed
ALTER SEQUENCE ticket_no OWNED BY NONE;
-- rename sequence "ticket_no" to "ticket_ids", keeping its value
ALTER SEQUENCE ticket_no RENAME TO ticket_ids;
ALTER SEQUENCE ticket_ids INCREMENT BY 3;
COMMENT ON SEQUENCE ticket_ids IS 'Numbers tickets, by threes.';
-- create object "ticket_no_owned_by" again
ALTER SEQUENCE ticket_ids OWNED BY tickets.id;
