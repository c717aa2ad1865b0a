-- Migration 000002 online_golang_migrate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 4 of migration online_golang_migrate: the schema changes, in one transaction

-- modify "users" table
ALTER TABLE "users" ADD COLUMN "about" text NULL;
-- modify "accounts" table
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_balance_check" CHECK (balance >= 0) NOT VALID;
-- create function "users_about_sync" copying "users"."bio" and "about" into each other, whichever a statement writes
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
-- keep "users"."bio" and "about" equal on every insert and update
CREATE TRIGGER "users_about_sync" BEFORE INSERT OR UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "users_about_sync"();
