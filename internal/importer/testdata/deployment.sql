-- What a dump of a deployed database holds besides the schema: privileges
-- (left out, with a note for each kind of object), default privileges
-- (left out, with one note) and a table clustered on an index (kept).
CREATE TABLE person (person_id integer NOT NULL, year_of_birth integer NOT NULL);
CREATE INDEX idx_person_id ON person (person_id ASC);
CLUSTER person USING idx_person_id;
CREATE TABLE visit (id int PRIMARY KEY, person_id int);
CREATE SEQUENCE ticket_seq;
CREATE VIEW recent AS SELECT id FROM visit;
CREATE FUNCTION visits() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM visit';
REVOKE ALL ON TABLE person FROM PUBLIC;
GRANT SELECT ON TABLE person, visit TO PUBLIC;
GRANT UPDATE (person_id) ON visit TO PUBLIC;
GRANT USAGE ON SEQUENCE ticket_seq TO PUBLIC;
GRANT SELECT ON recent TO PUBLIC;
REVOKE EXECUTE ON FUNCTION visits() FROM PUBLIC;
REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT ALL ON SCHEMA public TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO PUBLIC;
