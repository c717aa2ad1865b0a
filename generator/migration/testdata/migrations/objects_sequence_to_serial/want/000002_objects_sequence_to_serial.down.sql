-- Migration 000002 objects_sequence_to_serial, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "tickets" table
ALTER TABLE "tickets" ALTER COLUMN "id" DROP DEFAULT, ALTER COLUMN "id" SET DEFAULT nextval('tickets_id_seq'::regclass);
-- reverse: make sequence "tickets_id_seq", which the specs no longer declare, the serial sequence of "tickets"."id"
ALTER SEQUENCE "tickets_id_seq" AS bigint OWNED BY NONE;
