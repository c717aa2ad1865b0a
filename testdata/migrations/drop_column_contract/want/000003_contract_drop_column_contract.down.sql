-- Migration 000003 contract_drop_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "users" table
ALTER TABLE "users" ADD COLUMN "nickname" text NOT NULL DEFAULT '';
