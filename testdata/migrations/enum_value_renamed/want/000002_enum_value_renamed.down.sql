-- Migration 000002 enum_value_renamed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- cpcgen: irreversible: ALTER TYPE "state" ADD VALUE IF NOT EXISTS 'reopened' cannot be undone: PostgreSQL cannot drop a value from an enum type, so it stays after the down migration

-- reverse: create view "held_accounts" again
DROP VIEW held_accounts;
-- reverse: rename value "retired" of enum type "state" to "archived"
ALTER TYPE "state" RENAME VALUE 'archived' TO 'retired';
-- reverse: rename value "suspended" of enum type "state" to "paused"
ALTER TYPE "state" RENAME VALUE 'paused' TO 'suspended';
-- reverse: drop view "held_accounts", to create it again: its definition changed
CREATE VIEW held_accounts AS SELECT id, note FROM accounts WHERE state = 'suspended';
