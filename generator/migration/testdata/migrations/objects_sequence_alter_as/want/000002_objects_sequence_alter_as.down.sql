-- Migration 000002 objects_sequence_alter_as, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: alter sequence "level_no" in place, keeping its value: PostgreSQL refuses it while the value is outside the new range, 1 to 32767
ALTER SEQUENCE level_no AS bigint MINVALUE 1 MAXVALUE 9223372036854775807;
-- reverse: alter sequence "ticket_no" in place, keeping its value: the down migration's statement fails while the value is outside the old range, 1 to 2147483647
ALTER SEQUENCE ticket_no AS integer MINVALUE 1 MAXVALUE 2147483647;
