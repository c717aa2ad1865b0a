-- Migration 000002 drop_identity, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- make identity column "user_id" of table "users" a plain column
ALTER TABLE "users" ALTER COLUMN "user_id" DROP IDENTITY;
