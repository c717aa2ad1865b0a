-- Migration 000002 rename_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 5 of migration rename_column_contract: the schema changes, in one transaction

-- modify "users" table
ALTER TABLE "users" ADD COLUMN "login" character varying(64) NULL, ADD COLUMN "about" text NULL;
-- create function "users_login_sync" copying "users"."username" and "login" into each other, whichever a statement writes
CREATE FUNCTION "users_login_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."login" IS NULL THEN
      NEW."login" := NEW."username";
    ELSE
      NEW."username" := NEW."login";
    END IF;
  ELSIF NEW."login" IS DISTINCT FROM OLD."login" THEN
    NEW."username" := NEW."login";
  ELSE
    NEW."login" := NEW."username";
  END IF;
  RETURN NEW;
END
$$;
-- keep "users"."username" and "login" equal on every insert and update
CREATE TRIGGER "users_login_sync" BEFORE INSERT OR UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "users_login_sync"();
-- refuse NULL in "users"."login" for new rows; the existing rows are checked by the validate step
ALTER TABLE "users" ADD CONSTRAINT "users_login_not_null" CHECK ("login" IS NOT NULL) NOT VALID;
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
