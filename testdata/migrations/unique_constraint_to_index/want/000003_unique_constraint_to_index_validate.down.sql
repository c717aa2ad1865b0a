-- Migration 000003 unique_constraint_to_index_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration unique_constraint_to_index: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- reverse: give index "seats_room_seat_key_cpcgen_new" of table "seats" its name
ALTER INDEX "seats_room_seat_key" RENAME TO "seats_room_seat_key_cpcgen_new";
-- reverse: drop constraint "seats_room_seat_key" of table "seats" as it was
ALTER TABLE "seats" ADD CONSTRAINT "seats_room_seat_key" UNIQUE ("room", "seat");
