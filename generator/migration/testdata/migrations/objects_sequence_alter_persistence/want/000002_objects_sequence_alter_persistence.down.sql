-- Migration 000002 objects_sequence_alter_persistence, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: alter sequence "batch_no" in place, keeping its value
ALTER SEQUENCE batch_no SET UNLOGGED;
-- reverse: alter sequence "ticket_no" in place, keeping its value
ALTER SEQUENCE ticket_no INCREMENT BY 2;
ALTER SEQUENCE ticket_no SET LOGGED;
