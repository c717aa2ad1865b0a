-- Migration 000002 drop_soft_delete_unique_index_drop_users_email_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration drop_soft_delete_unique_index: drops index "users_email_key" without blocking writes (DROP INDEX CONCURRENTLY, outside a transaction)

-- cpcgen:no-transaction
-- reverse: drop index "users_email_key" of table "users" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "users_email_key" ON "users" ("email") WHERE "deleted_at" IS NULL;
