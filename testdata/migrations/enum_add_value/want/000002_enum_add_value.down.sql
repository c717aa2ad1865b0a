-- Migration 000002 enum_add_value, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- cpcgen: irreversible: ALTER TYPE "currency" ADD VALUE IF NOT EXISTS 'GBP' cannot be undone: PostgreSQL cannot drop a value from an enum type, so it stays after the down migration

