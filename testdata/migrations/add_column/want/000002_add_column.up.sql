-- Migration 000002 add_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" ADD COLUMN "nickname" text NULL, ADD COLUMN "karma" integer NOT NULL DEFAULT 0;
