-- Migration 000002 extension_moved_to_schema, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: move extension "citext" to schema "extensions"
DO $$ BEGIN EXECUTE format('ALTER EXTENSION %I SET SCHEMA %I', 'citext', current_schema()); END $$;
