-- Migration 000002 enum_to_text_dropping_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "accounts" table
ALTER TABLE "accounts" ALTER COLUMN "currency" DROP DEFAULT, ALTER COLUMN "currency" TYPE text USING "currency"::text, ALTER COLUMN "currency" DROP NOT NULL;
-- drop enum type "Currency"
DROP TYPE "Currency";
