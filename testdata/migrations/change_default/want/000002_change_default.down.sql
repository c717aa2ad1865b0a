-- Migration 000002 change_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "accounts" table
ALTER TABLE "accounts" ALTER COLUMN "currency" DROP DEFAULT;
-- reverse: modify "users" table
ALTER TABLE "users" ALTER COLUMN "score" SET DEFAULT 0, ALTER COLUMN "email" DROP DEFAULT;
