-- Migration 000002 primary_key_moved_accounts_id_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 4 of migration primary_key_moved: builds index "accounts_id_key" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction) and makes it the unique constraint that the foreign keys of the next step need (ADD CONSTRAINT … USING INDEX); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "accounts_id_key" of table "accounts" without blocking writes
CREATE UNIQUE INDEX CONCURRENTLY "accounts_id_key" ON "accounts" ("id");
-- make the unique index "accounts_id_key" the unique constraint of table "accounts"
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_id_key" UNIQUE USING INDEX "accounts_id_key";
