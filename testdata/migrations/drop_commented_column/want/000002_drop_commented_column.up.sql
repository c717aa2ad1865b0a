-- Migration 000002 drop_commented_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "users" table
ALTER TABLE "users" DROP COLUMN "token";
