-- Migration 000002 add_foreign_key_offline, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_user_id_fkey";
