-- Migration 000002 objects_rebuild_view, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop materialized view "title_count", to create it again: it depends on view "note_titles"
DROP MATERIALIZED VIEW title_count;
-- drop view "note_titles", to create it again: columns of table "notes" change
DROP VIEW note_titles;
-- modify "notes" table
ALTER TABLE "notes" ALTER COLUMN "title" TYPE character varying(200);
-- create view "note_titles" again
CREATE VIEW note_titles AS SELECT id, title FROM notes;
-- create materialized view "title_count" again
CREATE MATERIALIZED VIEW title_count AS SELECT count(*) AS n FROM note_titles;
CREATE UNIQUE INDEX title_count_n ON title_count (n);
