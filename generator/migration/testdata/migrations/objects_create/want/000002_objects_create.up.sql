-- Migration 000002 objects_create, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create extension "pg_trgm"
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- modify "notes" table
ALTER TABLE "notes" ADD COLUMN "search_text" text NULL;
-- create function "notes_search_text"
CREATE FUNCTION notes_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_text := lower(NEW.title || ' ' || NEW.body);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION notes_search_text() IS 'Keeps notes.search_text in step with the title and body.';
-- create trigger "notes_search" on "notes"
CREATE TRIGGER notes_search BEFORE INSERT OR UPDATE OF title, body ON notes
FOR EACH ROW EXECUTE FUNCTION notes_search_text();
-- create function "similar_notes"
CREATE FUNCTION similar_notes(q text) RETURNS SETOF notes LANGUAGE sql STABLE AS $$
  SELECT * FROM notes WHERE title % q ORDER BY similarity(title, q) DESC
$$;
-- create view "recent_notes"
CREATE VIEW recent_notes AS SELECT id, title FROM notes ORDER BY id DESC LIMIT 10;
