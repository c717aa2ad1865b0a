-- Migration 000002 enum_replaced_under_generated, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 3 of migration enum_replaced_under_generated: the schema changes, in one transaction

-- reverse: modify "orders" table
ALTER TABLE "orders" DROP COLUMN "is_open";
-- reverse: drop the old enum type "state"
CREATE TYPE "state_cpcgen_old" AS ENUM ('new', 'paid', 'void');
-- reverse: convert column "orders"."state" to the new enum type "state"
ALTER TABLE "orders" ALTER COLUMN "state" DROP DEFAULT, ALTER COLUMN "state" TYPE "state_cpcgen_old" USING "state"::text::"state_cpcgen_old";
-- reverse: create enum type "state" with its new values
DROP TYPE "state";
-- reverse: rename enum type "state" aside, to replace it: PostgreSQL cannot drop or reorder the values of an enum type
ALTER TYPE "state_cpcgen_old" RENAME TO "state";
ALTER TABLE "orders" ALTER COLUMN "state" SET DEFAULT 'new'::"state";
-- reverse: modify "orders" table
ALTER TABLE "orders" ADD COLUMN "is_open" boolean NOT NULL GENERATED ALWAYS AS (state = 'new'::state) STORED;
-- reverse: drop index "orders_open" from table: "orders"
CREATE INDEX "orders_open" ON "orders" ("total") WHERE is_open;
-- reverse: drop index "orders_paid" from table: "orders"
CREATE INDEX "orders_paid" ON "orders" ("total") WHERE state = 'paid'::state;
