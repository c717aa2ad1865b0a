-- Migration 000002 rename_table_behaviours, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: create trigger "cpcgen_audit" on "members"
DROP TRIGGER "cpcgen_audit" ON "members";
-- reverse: replace function "cpcgen_audit_adopt"
CREATE OR REPLACE FUNCTION cpcgen_audit_adopt() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  cfg record;
  r cpcgen_audit_log;
  n bigint := 0;
BEGIN
  FOR cfg IN SELECT * FROM (VALUES
      ('users', 'org_id', '{}')
    ) AS t(table_name, tenant_column, sensitive)
  LOOP
    UPDATE cpcgen_audit_log l SET
      tenant = CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l."new", l."old") ->> cfg.tenant_column END,
      "old" = cpcgen_audit_mask(l."old", l.table_name, CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l."new", l."old") ->> cfg.tenant_column END, cfg.sensitive::text[]),
      "new" = cpcgen_audit_mask(l."new", l.table_name, CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l."new", l."old") ->> cfg.tenant_column END, cfg.sensitive::text[])
    WHERE l.seq IS NULL AND l.hash IS NULL AND l.table_name = cfg.table_name;
  END LOOP;
  UPDATE cpcgen_audit_log l SET tenant = '' WHERE l.seq IS NULL AND l.hash IS NULL AND l.tenant IS NULL
    AND l.table_name NOT IN (SELECT t.table_name FROM (VALUES
      ('users', 'org_id', '{}')
    ) AS t(table_name, tenant_column, sensitive));
  FOR r IN SELECT * FROM cpcgen_audit_log l WHERE l.seq IS NULL ORDER BY l.id FOR UPDATE LOOP
    INSERT INTO cpcgen_audit_head AS h (tenant, seq, hash)
    VALUES (COALESCE(r.tenant, ''), 1, cpcgen_audit_hash(NULL, 1, r))
    ON CONFLICT (tenant) DO UPDATE SET seq = h.seq + 1, hash = cpcgen_audit_hash(h.hash, h.seq + 1, r)
    RETURNING h.seq, h.hash INTO r.seq, r.hash;
    UPDATE cpcgen_audit_log l SET seq = r.seq, hash = r.hash WHERE l.id = r.id;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION cpcgen_audit_adopt() FROM PUBLIC;
DO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_adopt() SET search_path = %I, pg_temp', current_schema()); END $pin$;
SELECT cpcgen_audit_adopt();
-- reverse: rename primary key "users_pkey" of table "members" to "members_pkey"
ALTER INDEX "members_pkey" RENAME TO "users_pkey";
-- reverse: rename an index from "users_email_key" to "members_email_key"
ALTER INDEX "members_email_key" RENAME TO "users_email_key";
-- reverse: rename sequence "users_id_seq" of "members"."id" to "members_id_seq"
DO $cpcgen$ BEGIN IF pg_get_serial_sequence('"members"', 'id')::regclass = to_regclass('"members_id_seq"') AND to_regclass('"users_id_seq"') IS NULL THEN ALTER SEQUENCE "members_id_seq" RENAME TO "users_id_seq"; END IF; END $cpcgen$;
-- reverse: rename a table from "users" to "members"
ALTER TABLE "members" RENAME TO "users";
-- reverse: drop trigger "cpcgen_audit" on "users"
CREATE TRIGGER "cpcgen_audit" AFTER INSERT OR UPDATE OR DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION "cpcgen_audit"('org_id', '{id}', 'deleted_at', '{}');
