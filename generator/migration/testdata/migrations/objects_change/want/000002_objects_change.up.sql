-- Migration 000002 objects_change, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop view "recent_notes", to create it again: its definition changed
DROP VIEW recent_notes;
-- drop function "similar_notes", to create it again: its definition changed
DROP FUNCTION similar_notes(q text);
-- replace function "notes_search_text"
CREATE OR REPLACE FUNCTION notes_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_text := lower(coalesce(NEW.title, '') || ' ' || coalesce(NEW.body, ''));
  RETURN NEW;
END $$;
COMMENT ON FUNCTION notes_search_text() IS 'Keeps notes.search_text in step with the title and body.';
-- create function "similar_notes" again
CREATE FUNCTION similar_notes(q text, lim integer DEFAULT 5) RETURNS SETOF notes LANGUAGE sql STABLE AS $$
  SELECT * FROM notes WHERE title % q ORDER BY similarity(title, q) DESC LIMIT lim
$$;
-- create view "note_matches"
CREATE VIEW note_matches AS SELECT id, title FROM similar_notes('note');
-- create view "recent_notes" again
CREATE VIEW recent_notes AS SELECT id, title, body FROM notes ORDER BY id DESC LIMIT 20;
