-- Migration 000002 objects_domain_in_use, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: alter domain "tag" in place: columns use it
COMMENT ON DOMAIN tag IS NULL;
ALTER DOMAIN tag DROP DEFAULT;
-- reverse: alter domain "email" in place: columns use it
ALTER DOMAIN email SET NOT NULL;
DO $cpcgen$ DECLARE c name; BEGIN FOR c IN SELECT conname FROM pg_constraint WHERE contypid = 'email'::regtype AND contype = 'c' ORDER BY oid LOOP EXECUTE format('ALTER DOMAIN %s DROP CONSTRAINT %I', 'email'::regtype, c); END LOOP; END $cpcgen$;
ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');
COMMENT ON DOMAIN email IS 'An address with an at sign.';
-- reverse: alter domain "code" in place: columns use it
COMMENT ON DOMAIN code IS NULL;
ALTER DOMAIN code DROP DEFAULT;
DO $cpcgen$ DECLARE c name; BEGIN FOR c IN SELECT conname FROM pg_constraint WHERE contypid = 'code'::regtype AND contype = 'c' ORDER BY oid LOOP EXECUTE format('ALTER DOMAIN %s DROP CONSTRAINT %I', 'code'::regtype, c); END LOOP; END $cpcgen$;
ALTER DOMAIN code ADD CHECK (VALUE <> '');
