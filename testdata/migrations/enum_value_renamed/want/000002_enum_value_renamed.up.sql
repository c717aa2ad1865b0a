-- Migration 000002 enum_value_renamed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop view "held_accounts", to create it again: its definition changed
DROP VIEW held_accounts;
-- rename value "suspended" of enum type "state" to "paused"
ALTER TYPE "state" RENAME VALUE 'suspended' TO 'paused';
-- rename value "retired" of enum type "state" to "archived"
ALTER TYPE "state" RENAME VALUE 'retired' TO 'archived';
-- add value to enum type: "state"
ALTER TYPE "state" ADD VALUE IF NOT EXISTS 'reopened';
-- create view "held_accounts" again
CREATE VIEW held_accounts AS SELECT id, note FROM accounts WHERE state = 'paused';
