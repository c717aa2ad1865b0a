-- Migration 000003 add_unique_allowed_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_unique_allowed: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- reverse: make the unique index "users_email_key" the unique constraint of table "users"
ALTER TABLE "users" DROP CONSTRAINT "users_email_key";
CREATE UNIQUE INDEX "users_email_key" ON "users" ("email");
