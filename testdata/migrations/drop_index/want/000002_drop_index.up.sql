-- Migration 000002 drop_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- cpcgen:no-transaction
-- drop index "accounts_user_id_idx" of table "accounts" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "accounts_user_id_idx";
