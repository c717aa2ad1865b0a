-- Functions of an extension installed in the schema, called from everything
-- of a table that can call one.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;
CREATE DOMAIN not_nil AS uuid CHECK (VALUE <> uuid_nil());
CREATE TABLE t (
  id uuid DEFAULT public.uuid_generate_v4() NOT NULL PRIMARY KEY,
  name text NOT NULL,
  k not_nil,
  url_id uuid GENERATED ALWAYS AS (uuid_generate_v5(uuid_ns_url(), name)) STORED,
  other uuid CHECK (other <> uuid_nil())
);
CREATE INDEX t_name_uuid ON t (uuid_generate_v5(uuid_ns_url(), name));
CREATE VIEW t_ids AS SELECT id, uuid_generate_v5(uuid_ns_url(), name) AS url_id FROM t;
