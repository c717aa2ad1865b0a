-- Migration 000002 objects_sequence_alter_fallback, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "tickets" table
ALTER TABLE "tickets" ALTER COLUMN "id" DROP DEFAULT;
-- drop sequence "ticket_no", to create it again: its definition changed
DROP SEQUENCE ticket_no;
-- create sequence "ticket_no" again
CREATE SEQUENCE ticket_no INCREMENT BY 3;
SELECT setval('ticket_no', 1000);
-- modify "tickets" table
ALTER TABLE "tickets" ALTER COLUMN "id" SET DEFAULT nextval('ticket_no'::regclass);
