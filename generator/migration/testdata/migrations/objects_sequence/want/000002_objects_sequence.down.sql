-- Migration 000002 objects_sequence, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- cpcgen: irreversible: ALTER EXTENSION citext UPDATE TO '1.6' cannot be undone: extensions seldom have a way back to an older version, so it stays after the down migration

-- reverse: alter sequence "invoice_no" in place, keeping its value
ALTER SEQUENCE invoice_no START WITH 1000;
