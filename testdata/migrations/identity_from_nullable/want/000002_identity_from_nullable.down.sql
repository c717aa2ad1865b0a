-- Migration 000002 identity_from_nullable, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: make column "number" of table "tickets" an identity column
ALTER TABLE "tickets" ALTER COLUMN "number" DROP IDENTITY;
-- reverse: modify "tickets" table
ALTER TABLE "tickets" ALTER COLUMN "number" DROP NOT NULL, ALTER COLUMN "number" SET DEFAULT 77;
