-- Migration 000002 drop_foreign_key, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_user_id_fkey";
