-- Migration 000002 enum_value_used_value_currency, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration enum_value_used: adds a value to enum type "currency" and commits it, so that the next steps can use it

-- cpcgen:no-transaction
-- add value to enum type: "currency"
ALTER TYPE "currency" ADD VALUE IF NOT EXISTS 'GBP';
