-- Migration 000002 rename_enum, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename enum type "currency" to "currency_code"
ALTER TYPE "currency_code" RENAME TO "currency";
