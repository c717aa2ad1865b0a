-- Migration 000002 objects_sequence_allowed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- update extension "citext" to version 1.6
ALTER EXTENSION citext UPDATE TO '1.6';
-- drop sequence "invoice_no", to create it again: its definition changed
DROP SEQUENCE invoice_no;
-- create sequence "invoice_no" again
CREATE SEQUENCE invoice_no START 5000;
