-- Migration 000002 enum_to_text_dropping_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop enum type "Currency"
CREATE TYPE "Currency" AS ENUM ('CHF', 'EUR', 'USD');
-- reverse: modify "accounts" table
ALTER TABLE "accounts" ALTER COLUMN "currency" TYPE "Currency" USING "currency"::text::"Currency", ALTER COLUMN "currency" SET NOT NULL, ALTER COLUMN "currency" SET DEFAULT 'USD'::"Currency";
