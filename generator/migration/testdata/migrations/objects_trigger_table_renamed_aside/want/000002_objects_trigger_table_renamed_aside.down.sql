-- Migration 000002 objects_trigger_table_renamed_aside, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create trigger "version_column" on "keys" again
DROP TRIGGER version_column ON keys;
-- reverse: create trigger "version_column" on "deprecated_keys"
DROP TRIGGER version_column ON deprecated_keys;
-- reverse: rename primary key "keys_pkey" of table "deprecated_keys" to "deprecated_keys_pkey"
ALTER INDEX "deprecated_keys_pkey" RENAME TO "keys_pkey";
-- reverse: create "keys" table
DROP TABLE "keys";
-- reverse: rename a table from "keys" to "deprecated_keys"
ALTER TABLE "deprecated_keys" RENAME TO "keys";
-- reverse: drop trigger "version_column" on "keys", to create it again: its table "keys" is renamed, taking the trigger with it, and this one is on the table now named so
CREATE TRIGGER version_column BEFORE INSERT ON keys FOR EACH ROW EXECUTE FUNCTION bump_version();
