-- Migration 000002 rename_column_with_checks, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- rename a column from "email" to "email_address"
ALTER TABLE "users" RENAME COLUMN "email" TO "email_address";
-- rename a column from "age" to "years"
ALTER TABLE "users" RENAME COLUMN "age" TO "years";
-- rename constraint "users_email_max_length" of table "users" to "users_email_address_max_length"
ALTER TABLE "users" RENAME CONSTRAINT "users_email_max_length" TO "users_email_address_max_length";
-- rename constraint "users_email_format" of table "users" to "users_email_address_format"
ALTER TABLE "users" RENAME CONSTRAINT "users_email_format" TO "users_email_address_format";
-- rename constraint "users_age_check" of table "users" to "users_years_check"
ALTER TABLE "users" RENAME CONSTRAINT "users_age_check" TO "users_years_check";
-- rename constraint "users_age_min" of table "users" to "users_years_min"
ALTER TABLE "users" RENAME CONSTRAINT "users_age_min" TO "users_years_min";
