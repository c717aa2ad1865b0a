-- Migration 000002 objects_sequence_allowed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- update extension "citext" to version 1.6
ALTER EXTENSION citext UPDATE TO '1.6';
-- alter sequence "invoice_no" in place, keeping its value
ALTER SEQUENCE invoice_no START WITH 5000;
