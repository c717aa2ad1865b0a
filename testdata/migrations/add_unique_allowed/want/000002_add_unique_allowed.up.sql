-- Migration 000002 add_unique_allowed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ADD CONSTRAINT "users_email_key" UNIQUE ("email");
