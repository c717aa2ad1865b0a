-- Migration 000004 primary_key_moved, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 4 of migration primary_key_moved: the schema changes, in one transaction

-- reverse: modify "entries" table
ALTER TABLE "entries" DROP CONSTRAINT "entries_account_id_fkey";
-- reverse: modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_pkey", ADD PRIMARY KEY ("id");
CREATE UNIQUE INDEX "accounts_pkey_cpcgen_new" ON "accounts" ("num");
-- reverse: modify "entries" table
ALTER TABLE "accounts" DROP CONSTRAINT IF EXISTS "accounts_id_key";
DROP INDEX IF EXISTS "accounts_id_key";
ALTER TABLE "entries" ADD
CONSTRAINT "entries_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION;
