-- Migration 000002 extension_moved_to_schema, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- move extension "citext" to schema "extensions"
CREATE SCHEMA IF NOT EXISTS "extensions";
ALTER EXTENSION citext SET SCHEMA "extensions";
