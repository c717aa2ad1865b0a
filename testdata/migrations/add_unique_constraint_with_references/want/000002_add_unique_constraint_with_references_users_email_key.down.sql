-- Migration 000002 add_unique_constraint_with_references_users_email_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration add_unique_constraint_with_references: builds index "users_email_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction) and makes it the unique constraint that the foreign keys of the next step need (ADD CONSTRAINT … USING INDEX); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- reverse: make the unique index "users_email_key" the unique constraint of table "users"
ALTER TABLE "users" DROP CONSTRAINT "users_email_key";
-- reverse: build index "users_email_key" of table "users" without blocking writes
DROP INDEX CONCURRENTLY IF EXISTS "users_email_key";
