-- Migration 000002 enum_replaced_under_generated, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration enum_replaced_under_generated: the schema changes, in one transaction

-- drop index "orders_paid" from table: "orders"
DROP INDEX "orders_paid";
-- drop index "orders_open" from table: "orders"
DROP INDEX "orders_open";
-- modify "orders" table
ALTER TABLE "orders" DROP COLUMN "is_open";
-- rename enum type "state" aside, to replace it: PostgreSQL cannot drop or reorder the values of an enum type
ALTER TYPE "state" RENAME TO "state_cpcgen_old";
-- create enum type "state" with its new values
CREATE TYPE "state" AS ENUM ('new', 'paid', 'cancelled');
-- convert column "orders"."state" to the new enum type "state"
ALTER TABLE "orders" ALTER COLUMN "state" DROP DEFAULT, ALTER COLUMN "state" TYPE "state" USING "state"::text::"state", ALTER COLUMN "state" SET DEFAULT 'new'::"state";
-- drop the old enum type "state"
DROP TYPE "state_cpcgen_old";
-- modify "orders" table
ALTER TABLE "orders" ADD COLUMN "is_open" boolean NOT NULL GENERATED ALWAYS AS (state = 'new'::state) STORED;
