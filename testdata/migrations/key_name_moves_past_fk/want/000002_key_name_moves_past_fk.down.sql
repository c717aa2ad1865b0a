-- Migration 000002 key_name_moves_past_fk, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration key_name_moves_past_fk: the schema changes, in one transaction

-- reverse: drop "owners" table
CREATE TABLE "owners" (
  "id" integer NOT NULL,
  PRIMARY KEY ("id")
);
-- reverse: modify "policies" table
ALTER TABLE "policies" DROP CONSTRAINT "policies_owner_id_fkey", ADD
CONSTRAINT "policies_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION;
-- reverse: create "accounts" table
DROP TABLE "accounts";
-- reverse: create "registry" table
DROP TABLE "registry";
-- reverse: drop "replication_target" table
CREATE TABLE "replication_target" (
  "id" integer NOT NULL,
  "name" character varying(64) NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "unique_target_name" UNIQUE ("name")
);
