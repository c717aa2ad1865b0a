-- Migration 000002 objects_domain_in_use, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- alter domain "code" in place: columns use it
ALTER DOMAIN code SET DEFAULT 'x';
DO $cpcgen$ DECLARE c name; BEGIN FOR c IN SELECT conname FROM pg_constraint WHERE contypid = 'code'::regtype AND contype = 'c' ORDER BY oid LOOP EXECUTE format('ALTER DOMAIN %s DROP CONSTRAINT %I', 'code'::regtype, c); END LOOP; END $cpcgen$;
ALTER DOMAIN code ADD CHECK (VALUE <> '');
ALTER DOMAIN code ADD CHECK (length(VALUE) < 9);
COMMENT ON DOMAIN code IS 'A short code.';
-- alter domain "email" in place: columns use it
COMMENT ON DOMAIN email IS NULL;
ALTER DOMAIN email DROP NOT NULL;
DO $cpcgen$ DECLARE c name; BEGIN FOR c IN SELECT conname FROM pg_constraint WHERE contypid = 'email'::regtype AND contype = 'c' ORDER BY oid LOOP EXECUTE format('ALTER DOMAIN %s DROP CONSTRAINT %I', 'email'::regtype, c); END LOOP; END $cpcgen$;
ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%_@_%');
-- alter domain "tag" in place: columns use it
ALTER DOMAIN tag SET DEFAULT 'none';
COMMENT ON DOMAIN tag IS 'A lower-case word.';
