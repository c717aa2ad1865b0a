-- Migration 000002 unique_constraint_to_index_seats_room_seat_key_cpcgen_new, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration unique_constraint_to_index: builds index "seats_room_seat_key_cpcgen_new" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "seats_room_seat_key_cpcgen_new" of table "seats" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "seats_room_seat_key_cpcgen_new";
