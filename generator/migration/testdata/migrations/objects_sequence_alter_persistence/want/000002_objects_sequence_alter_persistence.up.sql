-- Migration 000002 objects_sequence_alter_persistence, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- alter sequence "ticket_no" in place, keeping its value
ALTER SEQUENCE ticket_no INCREMENT BY 3;
ALTER SEQUENCE ticket_no SET UNLOGGED;
-- alter sequence "batch_no" in place, keeping its value
ALTER SEQUENCE batch_no SET LOGGED;
