-- Migration 000002 add_identity, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: make column "user_id" of table "users" an identity column
ALTER TABLE "users" ALTER COLUMN "user_id" DROP IDENTITY;
