-- Migration 000002 drop_table_allowed, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop "transfers" table
DROP TABLE "transfers";
