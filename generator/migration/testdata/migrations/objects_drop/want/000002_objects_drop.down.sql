-- Migration 000002 objects_drop, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop extension "pg_trgm"
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- reverse: drop function "notes_search_text"
CREATE FUNCTION notes_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_text := lower(coalesce(NEW.title, '') || ' ' || coalesce(NEW.body, ''));
  RETURN NEW;
END $$;
COMMENT ON FUNCTION notes_search_text() IS 'Keeps notes.search_text in step with the title and body.';
-- reverse: drop trigger "notes_search" on "notes"
CREATE TRIGGER notes_search BEFORE INSERT OR UPDATE OF title, body ON notes
FOR EACH ROW EXECUTE FUNCTION notes_search_text();
-- reverse: drop function "similar_notes"
SET check_function_bodies = off;
CREATE FUNCTION similar_notes(q text, lim integer DEFAULT 5) RETURNS SETOF notes LANGUAGE sql STABLE AS $$
  SELECT * FROM notes WHERE title % q ORDER BY similarity(title, q) DESC LIMIT lim
$$;
RESET check_function_bodies;
-- reverse: drop view "note_matches"
CREATE VIEW note_matches AS SELECT id, title FROM similar_notes('note');
-- reverse: drop view "recent_notes"
CREATE VIEW recent_notes AS SELECT id, title, body FROM notes ORDER BY id DESC LIMIT 20;
