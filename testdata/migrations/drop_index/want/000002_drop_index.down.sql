-- Migration 000002 drop_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- cpcgen:no-transaction
-- reverse: drop index "accounts_user_id_idx" of table "accounts" without blocking writes
CREATE INDEX CONCURRENTLY "accounts_user_id_idx" ON "accounts" ("user_id");
