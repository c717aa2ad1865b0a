-- Migration 000002 objects_sequence_rename, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create object "ticket_no_owned_by" again
ALTER SEQUENCE ticket_ids OWNED BY NONE;
-- reverse: rename sequence "ticket_no" to "ticket_ids", keeping its value
ALTER SEQUENCE ticket_ids INCREMENT BY 2;
ALTER SEQUENCE ticket_ids RENAME TO ticket_no;
COMMENT ON SEQUENCE ticket_no IS 'Numbers tickets.';
-- reverse: drop object "ticket_no_owned_by", to create it again: its definition changed
ALTER SEQUENCE ticket_no OWNED BY tickets.id;
