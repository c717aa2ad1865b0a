-- Migration 000002 objects_sequence_alter_options, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: alter sequence "ticket_no" in place, keeping its value: PostgreSQL refuses it while the value is outside the new range, 100 to 1000000
ALTER SEQUENCE ticket_no INCREMENT BY 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE;
