-- Migration 000006 contract_online_dbmate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- migrate:up
-- drop trigger "users_about_sync", which kept "users"."bio" and "about" equal
DROP TRIGGER IF EXISTS "users_about_sync" ON "users";
-- drop function "users_about_sync"
DROP FUNCTION IF EXISTS "users_about_sync"();
-- drop column "users"."bio", renamed to "about" by migration 000002
ALTER TABLE "users" DROP COLUMN "bio";

-- migrate:down
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
