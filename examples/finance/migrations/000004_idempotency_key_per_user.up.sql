-- Migration 000004 idempotency_key_per_user, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration idempotency_key_per_user: the schema changes, in one transaction

-- modify "transactions" table
ALTER TABLE "transactions" DROP CONSTRAINT "transactions_idempotency_key_key";
-- set comment to table: "transactions"
COMMENT ON TABLE "transactions" IS 'One movement of money, recorded once per user and idempotency key; rows are never changed.';
-- set comment to column: "idempotency_key" on table: "transactions"
COMMENT ON COLUMN "transactions"."idempotency_key" IS 'Chosen by the client; a request of the same user repeated with the same key is done once. Unique per user: another user''s key is none of this user''s business.';
