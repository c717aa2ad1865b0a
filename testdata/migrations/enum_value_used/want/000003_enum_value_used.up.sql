-- Migration 000003 enum_value_used, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration enum_value_used: the schema changes, in one transaction

-- modify "users" table
ALTER TABLE "users" ADD COLUMN "home" "currency" NOT NULL DEFAULT 'GBP'::"currency";
