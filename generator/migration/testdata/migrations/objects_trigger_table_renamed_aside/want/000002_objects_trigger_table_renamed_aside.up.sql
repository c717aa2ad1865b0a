-- Migration 000002 objects_trigger_table_renamed_aside, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop trigger "version_column" on "keys", to create it again: its table "keys" is renamed, taking the trigger with it, and this one is on the table now named so
DROP TRIGGER version_column ON keys;
-- rename a table from "keys" to "deprecated_keys"
ALTER TABLE "keys" RENAME TO "deprecated_keys";
-- create "keys" table
CREATE TABLE "keys" (
  "id" bigint NOT NULL,
  "version" integer NOT NULL DEFAULT 0,
  PRIMARY KEY ("id")
);
-- rename primary key "keys_pkey" of table "deprecated_keys" to "deprecated_keys_pkey"
ALTER INDEX "keys_pkey" RENAME TO "deprecated_keys_pkey";
-- create trigger "version_column" on "deprecated_keys"
CREATE TRIGGER version_column BEFORE INSERT ON deprecated_keys FOR EACH ROW EXECUTE FUNCTION bump_version();
-- create trigger "version_column" on "keys" again
CREATE TRIGGER version_column BEFORE INSERT ON keys FOR EACH ROW EXECUTE FUNCTION bump_version();
