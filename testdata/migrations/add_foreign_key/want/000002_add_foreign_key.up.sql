-- Migration 000002 add_foreign_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration add_foreign_key: the schema changes, in one transaction

-- modify "accounts" table
ALTER TABLE "accounts" ADD
CONSTRAINT "accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
