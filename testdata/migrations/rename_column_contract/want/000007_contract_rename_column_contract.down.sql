-- Migration 000007 contract_rename_column_contract, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop column "users"."username", renamed to "login" by migration 000002
ALTER TABLE "users" ADD COLUMN "username" character varying(64) NULL;
UPDATE "users" SET "username" = "login";
ALTER TABLE "users" ALTER COLUMN "username" SET NOT NULL;
ALTER TABLE "users" ADD CONSTRAINT "users_username_key" UNIQUE ("username");
-- reverse: drop function "users_login_sync"
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
-- reverse: drop trigger "users_login_sync", which kept "users"."username" and "login" equal
CREATE TRIGGER "users_login_sync" BEFORE INSERT OR UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "users_login_sync"();
-- reverse: drop column "users"."bio", renamed to "about" by migration 000002
ALTER TABLE "users" ADD COLUMN "bio" text NULL;
UPDATE "users" SET "bio" = "about";
-- reverse: drop function "users_about_sync"
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
-- reverse: drop trigger "users_about_sync", which kept "users"."bio" and "about" equal
CREATE TRIGGER "users_about_sync" BEFORE INSERT OR UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "users_about_sync"();
