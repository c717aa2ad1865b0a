-- Migration 000005 add_partitioned_index_events_payload_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 4 of migration add_partitioned_index: builds index "events_payload_idx" of a partitioned table without blocking writes: made on the table alone (ON ONLY), each declared partition's index built with CREATE INDEX CONCURRENTLY and attached, any other partition's built under its lock by a DO block, outside a transaction; an interrupted run resumes at the statement that failed, and an invalid index it left is built again

-- cpcgen:no-transaction
-- reverse: make index "events_payload_idx" of partitioned table "events" on the table alone (ON ONLY), invalid until every partition's index is attached to it
DROP INDEX IF EXISTS "events_payload_idx";
DROP INDEX IF EXISTS "events_2026_01_payload_idx";
DROP INDEX IF EXISTS "events_2026_02_payload_idx";
DROP INDEX IF EXISTS "events_rest_payload_idx";
