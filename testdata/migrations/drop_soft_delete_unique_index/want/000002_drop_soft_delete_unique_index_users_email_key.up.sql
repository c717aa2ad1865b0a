-- Migration 000002 drop_soft_delete_unique_index_users_email_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration drop_soft_delete_unique_index: builds index "users_email_key" under a name of its own, then drops the index it replaces, whose column a later step drops, both without blocking writes (CONCURRENTLY, outside a transaction), so that the table is never without either; the validate step gives it its name; an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "users_email_key_cpcgen_new" of table "users" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "users_email_key_cpcgen_new" ON "users" ("email");
-- drop index "users_email_key" of table "users" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "users_email_key";
