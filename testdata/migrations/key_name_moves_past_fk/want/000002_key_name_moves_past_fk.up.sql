-- Migration 000002 key_name_moves_past_fk, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration key_name_moves_past_fk: the schema changes, in one transaction

-- drop "replication_target" table
DROP TABLE "replication_target";
-- create "registry" table
CREATE TABLE "registry" (
  "id" integer NOT NULL,
  "name" character varying(64) NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "unique_target_name" UNIQUE ("name")
);
-- create "accounts" table
CREATE TABLE "accounts" (
  "id" integer NOT NULL,
  PRIMARY KEY ("id")
);
-- modify "policies" table
ALTER TABLE "policies" DROP CONSTRAINT "policies_owner_id_fkey", ADD
CONSTRAINT "policies_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "accounts" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
-- drop "owners" table
DROP TABLE "owners";
