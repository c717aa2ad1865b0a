-- Migration 000002 objects_sequence_to_serial, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- make sequence "tickets_id_seq", which the specs no longer declare, the serial sequence of "tickets"."id"
ALTER SEQUENCE "tickets_id_seq" AS integer OWNED BY "tickets"."id";
-- create sequence for serial column "id"
SELECT setval('"tickets_id_seq"', coalesce(max("id"), 0) + 1, false) FROM "tickets";
-- modify "tickets" table
ALTER TABLE "tickets" ALTER COLUMN "id" SET DEFAULT nextval('"tickets_id_seq"'), ALTER COLUMN "id" DROP DEFAULT;
