-- Migration 000002 rename_enum, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename enum type "currency" to "currency_code"
ALTER TYPE "currency" RENAME TO "currency_code";
