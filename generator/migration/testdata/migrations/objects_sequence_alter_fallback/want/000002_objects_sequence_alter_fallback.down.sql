-- Migration 000002 objects_sequence_alter_fallback, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "tickets" table
ALTER TABLE "tickets" ALTER COLUMN "id" DROP DEFAULT;
-- reverse: create sequence "ticket_no" again
DROP SEQUENCE ticket_no;
-- reverse: drop sequence "ticket_no", to create it again: its definition changed
CREATE SEQUENCE ticket_no INCREMENT BY 2;
-- reverse: modify "tickets" table
ALTER TABLE "tickets" ALTER COLUMN "id" SET DEFAULT nextval('ticket_no'::regclass);
