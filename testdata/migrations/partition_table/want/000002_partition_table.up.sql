-- Migration 000002 partition_table, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create "sessions" table
CREATE TABLE "sessions" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "user_id" bigint NOT NULL,
  "region" text NOT NULL,
  PRIMARY KEY ("id", "region"),
  CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION
) PARTITION BY LIST ("region");
-- create partition "sessions_eu"
CREATE TABLE "sessions_eu" PARTITION OF "sessions" FOR VALUES IN ('eu');
-- create partition "sessions_other"
CREATE TABLE "sessions_other" PARTITION OF "sessions" DEFAULT;
