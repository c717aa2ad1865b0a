-- Migration 000002 objects_change, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create view "recent_notes" again
DROP VIEW recent_notes;
-- reverse: create view "note_matches"
DROP VIEW note_matches;
-- reverse: create function "similar_notes" again
DROP FUNCTION similar_notes(q text, lim integer);
-- reverse: replace function "notes_search_text"
CREATE OR REPLACE FUNCTION notes_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_text := lower(NEW.title || ' ' || NEW.body);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION notes_search_text() IS 'Keeps notes.search_text in step with the title and body.';
-- reverse: drop function "similar_notes", to create it again: its definition changed
SET check_function_bodies = off;
CREATE FUNCTION similar_notes(q text) RETURNS SETOF notes LANGUAGE sql STABLE AS $$
  SELECT * FROM notes WHERE title % q ORDER BY similarity(title, q) DESC
$$;
RESET check_function_bodies;
-- reverse: drop view "recent_notes", to create it again: its definition changed
CREATE VIEW recent_notes AS SELECT id, title FROM notes ORDER BY id DESC LIMIT 10;
