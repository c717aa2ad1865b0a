-- Migration 000002 objects_rebuild_view, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create materialized view "title_count" again
DROP MATERIALIZED VIEW title_count;
-- reverse: create view "note_titles" again
DROP VIEW note_titles;
-- reverse: modify "notes" table
ALTER TABLE "notes" ALTER COLUMN "title" TYPE character varying(100);
-- reverse: drop view "note_titles", to create it again: columns of table "notes" change
CREATE VIEW note_titles AS SELECT id, title FROM notes;
-- reverse: drop materialized view "title_count", to create it again: it depends on view "note_titles"
CREATE MATERIALIZED VIEW title_count AS SELECT count(*) AS n FROM note_titles;
CREATE UNIQUE INDEX title_count_n ON title_count (n);
