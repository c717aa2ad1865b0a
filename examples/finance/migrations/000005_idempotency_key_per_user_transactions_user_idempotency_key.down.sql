-- Migration 000005 idempotency_key_per_user_transactions_user_idempotency_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration idempotency_key_per_user: builds index "transactions_user_idempotency_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: build index "transactions_user_idempotency_key" of table "transactions" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "transactions_user_idempotency_key";
