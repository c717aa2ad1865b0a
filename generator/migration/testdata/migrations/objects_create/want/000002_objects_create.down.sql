-- Migration 000002 objects_create, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create view "recent_notes"
DROP VIEW recent_notes;
-- reverse: create function "similar_notes"
DROP FUNCTION similar_notes(q text);
-- reverse: create trigger "notes_search" on "notes"
DROP TRIGGER notes_search ON notes;
-- reverse: create function "notes_search_text"
DROP FUNCTION notes_search_text();
-- reverse: modify "notes" table
ALTER TABLE "notes" DROP COLUMN "search_text";
-- reverse: create extension "pg_trgm"
DROP EXTENSION IF EXISTS pg_trgm;
