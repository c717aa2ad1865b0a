-- Migration 000002 rename_column_with_checks, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename constraint "users_age_min" of table "users" to "users_years_min"
ALTER TABLE "users" RENAME CONSTRAINT "users_years_min" TO "users_age_min";
-- reverse: rename constraint "users_age_check" of table "users" to "users_years_check"
ALTER TABLE "users" RENAME CONSTRAINT "users_years_check" TO "users_age_check";
-- reverse: rename constraint "users_email_format" of table "users" to "users_email_address_format"
ALTER TABLE "users" RENAME CONSTRAINT "users_email_address_format" TO "users_email_format";
-- reverse: rename constraint "users_email_max_length" of table "users" to "users_email_address_max_length"
ALTER TABLE "users" RENAME CONSTRAINT "users_email_address_max_length" TO "users_email_max_length";
-- reverse: rename a column from "age" to "years"
ALTER TABLE "users" RENAME COLUMN "years" TO "age";
-- reverse: rename a column from "email" to "email_address"
ALTER TABLE "users" RENAME COLUMN "email_address" TO "email";
