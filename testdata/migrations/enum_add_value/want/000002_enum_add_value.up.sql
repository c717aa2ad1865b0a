-- Migration 000002 enum_add_value, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- add value to enum type: "currency"
ALTER TYPE "currency" ADD VALUE IF NOT EXISTS 'GBP';
