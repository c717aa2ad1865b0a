-- Migration 000002 change_sql_named_type, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "items" table
ALTER TABLE "items" ALTER COLUMN "code" TYPE long_code;
