-- Migration 000002 drop_commented_column, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "users" table
ALTER TABLE "users" ADD COLUMN "token" bytea NULL;
COMMENT ON COLUMN "users"."token" IS 'Encrypted GitHub access token, now kept in another table';
