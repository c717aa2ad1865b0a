-- Migration 000002 objects_sequence_allowed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- cpcgen: irreversible: ALTER EXTENSION citext UPDATE TO '1.6' cannot be undone: extensions seldom have a way back to an older version, so it stays after the down migration

-- reverse: create sequence "invoice_no" again
DROP SEQUENCE invoice_no;
-- reverse: drop sequence "invoice_no", to create it again: its definition changed
CREATE SEQUENCE invoice_no START 1000;
