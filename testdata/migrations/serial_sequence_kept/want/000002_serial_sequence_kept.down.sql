-- Migration 000002 serial_sequence_kept, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create object "history_user_id_seq_owned_by"
ALTER SEQUENCE history_user_id_seq OWNED BY NONE;
-- reverse: keep sequence "history_user_id_seq", which the specs now declare, no longer owned by "history"."user_id"
ALTER SEQUENCE "history_user_id_seq" OWNED BY "history"."user_id";
-- reverse: modify "history" table
ALTER TABLE "history" ALTER COLUMN "user_id" SET DEFAULT nextval('"history_user_id_seq"');
