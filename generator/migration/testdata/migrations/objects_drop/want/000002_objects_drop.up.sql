-- Migration 000002 objects_drop, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop view "recent_notes"
DROP VIEW recent_notes;
-- drop view "note_matches"
DROP VIEW note_matches;
-- drop function "similar_notes"
DROP FUNCTION similar_notes(q text, lim integer);
-- drop trigger "notes_search" on "notes"
DROP TRIGGER notes_search ON notes;
-- drop function "notes_search_text"
DROP FUNCTION notes_search_text();
-- drop extension "pg_trgm"
DROP EXTENSION IF EXISTS pg_trgm;
