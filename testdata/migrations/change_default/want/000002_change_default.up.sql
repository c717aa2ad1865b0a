-- Migration 000002 change_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ALTER COLUMN "email" SET DEFAULT 'nobody@example.com'::text, ALTER COLUMN "score" SET DEFAULT 100;
-- modify "accounts" table
ALTER TABLE "accounts" ALTER COLUMN "currency" SET DEFAULT 'EUR'::"currency";
