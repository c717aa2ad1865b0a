-- Migration 000002 add_unique_allowed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "users" table
ALTER TABLE "users" DROP CONSTRAINT "users_email_key";
