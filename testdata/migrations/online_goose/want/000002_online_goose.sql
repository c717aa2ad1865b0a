-- Migration 000002 online_goose, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 4 of migration online_goose: the schema changes, in one transaction

-- +goose Up
-- modify "users" table
ALTER TABLE "users" ADD COLUMN "about" text NULL;
-- modify "accounts" table
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_balance_check" CHECK (balance >= 0) NOT VALID;
-- create function "users_about_sync" copying "users"."bio" and "about" into each other, whichever a statement writes
-- +goose StatementBegin
CREATE FUNCTION "users_about_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."about" IS NULL THEN
      NEW."about" := NEW."bio";
    ELSE
      NEW."bio" := NEW."about";
    END IF;
  ELSIF NEW."about" IS DISTINCT FROM OLD."about" THEN
    NEW."bio" := NEW."about";
  ELSE
    NEW."about" := NEW."bio";
  END IF;
  RETURN NEW;
END
$$;
-- +goose StatementEnd
-- keep "users"."bio" and "about" equal on every insert and update
CREATE TRIGGER "users_about_sync" BEFORE INSERT OR UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "users_about_sync"();

-- +goose Down
-- reverse: keep "users"."bio" and "about" equal on every insert and update
DROP TRIGGER IF EXISTS "users_about_sync" ON "users";
-- reverse: create function "users_about_sync" copying "users"."bio" and "about" into each other, whichever a statement writes
DROP FUNCTION IF EXISTS "users_about_sync"();
-- reverse: modify "accounts" table
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_balance_check";
-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "about";
