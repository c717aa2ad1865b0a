-- Migration 000002 objects_sequence_alter_comment, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: alter sequence "order_no" in place, keeping its value
COMMENT ON SEQUENCE order_no IS NULL;
-- reverse: alter sequence "ticket_no" in place, keeping its value
COMMENT ON SEQUENCE ticket_no IS 'Ticket numbers.';
