-- Migration 000005 audit_log_tenant, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 1 of 2 of migration audit_log_tenant: the schema changes, in one transaction

-- modify "cpcgen_audit_log" table
ALTER TABLE "cpcgen_audit_log" ADD COLUMN "tenant" text NULL, ADD COLUMN "seq" bigint NULL, ADD COLUMN "hash" bytea NULL;
-- set comment to table: "cpcgen_audit_log"
COMMENT ON TABLE "cpcgen_audit_log" IS 'One row per row changed in a table with audit: true, written by its trigger; a hash chain per tenant.';
-- set comment to column: "actor" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."actor" IS 'Who acted, as the application says: runtime.WithActor, NULL when not given.';
-- set comment to column: "old" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."old" IS 'The row before the change, sensitive values as keyed hashes; NULL for a new row.';
-- set comment to column: "new" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."new" IS 'The row after the change, sensitive values as keyed hashes; NULL for a deleted row.';
-- set comment to column: "tenant" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."tenant" IS 'The row''s tenant (its tenant column as text); NULL for a table without tenant:.';
-- set comment to column: "seq" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."seq" IS 'The row''s place in its tenant''s hash chain, from 1.';
-- set comment to column: "hash" on table: "cpcgen_audit_log"
COMMENT ON COLUMN "cpcgen_audit_log"."hash" IS 'SHA-256 of the previous row''s hash and this row''s payload (cpcgen_audit_hash).';
-- create "cpcgen_audit_head" table
CREATE TABLE "cpcgen_audit_head" (
  "tenant" text NOT NULL,
  "seq" bigint NOT NULL,
  "hash" bytea NOT NULL,
  PRIMARY KEY ("tenant")
);
-- set comment to table: "cpcgen_audit_head"
COMMENT ON TABLE "cpcgen_audit_head" IS 'The last place and hash of each tenant''s chain of audit rows ('''' for the rows without a tenant).';
-- create "cpcgen_audit_key" table
CREATE TABLE "cpcgen_audit_key" (
  "id" boolean NOT NULL DEFAULT true,
  "inner_key" bytea NOT NULL,
  "outer_key" bytea NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "cpcgen_audit_key_id_check" CHECK ("id")
);
-- set comment to table: "cpcgen_audit_key"
COMMENT ON TABLE "cpcgen_audit_key" IS 'The key of the HMAC-SHA256 of sensitive values in audit rows, as its inner and outer padded keys. Grant nothing on it.';
-- create function "cpcgen_audit_hash"
CREATE FUNCTION cpcgen_audit_hash(prev bytea, seq bigint, r cpcgen_audit_log) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256(COALESCE(prev, '\x'::bytea) || convert_to(jsonb_build_array(
    r.id, seq, r.tenant, r.table_name, r.row_key, r.action, r.actor, r."old", r."new",
    to_char(r."at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.txid)::text, 'UTF8'))
$$;
REVOKE ALL ON FUNCTION cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log) FROM PUBLIC;
DO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log) SET search_path = %I, pg_temp', current_schema()); END $pin$;
-- create function "cpcgen_audit_mask"
CREATE FUNCTION cpcgen_audit_mask(image jsonb, table_name text, tenant text, columns text[]) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  k cpcgen_audit_key;
  ik bytea;
  ok bytea;
  c text;
BEGIN
  IF image IS NULL OR cardinality(columns) = 0 THEN
    RETURN image;
  END IF;
  SELECT * INTO k FROM cpcgen_audit_key;
  IF NOT FOUND THEN
    ik := decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') || '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    ok := ik;
    FOR i IN 0..63 LOOP
      ok := set_byte(ok, i, get_byte(ik, i) # 92);
      ik := set_byte(ik, i, get_byte(ik, i) # 54);
    END LOOP;
    INSERT INTO cpcgen_audit_key (inner_key, outer_key) VALUES (ik, ok) ON CONFLICT DO NOTHING;
    SELECT * INTO STRICT k FROM cpcgen_audit_key;
  END IF;
  FOREACH c IN ARRAY columns LOOP
    IF image ? c AND jsonb_typeof(image -> c) <> 'null' THEN
      image := jsonb_set(image, ARRAY[c], to_jsonb('hmac-sha256:' || encode(sha256(k.outer_key || sha256(k.inner_key ||
        convert_to(jsonb_build_array(tenant, table_name, c, image -> c)::text, 'UTF8'))), 'hex')));
    END IF;
  END LOOP;
  RETURN image;
END $$;
REVOKE ALL ON FUNCTION cpcgen_audit_mask(jsonb, text, text, text[]) FROM PUBLIC;
DO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_mask(jsonb, text, text, text[]) SET search_path = %I, pg_temp', current_schema()); END $pin$;
-- create function "cpcgen_audit_adopt"
CREATE FUNCTION cpcgen_audit_adopt() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  cfg record;
  r cpcgen_audit_log;
  n bigint := 0;
BEGIN
  FOR cfg IN SELECT * FROM (VALUES
      ('customers', 'organization_id', '{email,phone}'),
      ('deals', 'organization_id', '{}')
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
      ('customers', 'organization_id', '{email,phone}'),
      ('deals', 'organization_id', '{}')
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
-- create function "cpcgen_audit"
CREATE FUNCTION cpcgen_audit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  r cpcgen_audit_log;
  img jsonb;
  prior jsonb;
  soft text := NULLIF(TG_ARGV[2], '');
  sensitive text[] := TG_ARGV[3]::text[];
  k text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    prior := to_jsonb(OLD);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    img := to_jsonb(NEW);
  END IF;
  r.table_name := TG_TABLE_NAME;
  IF TG_ARGV[0] <> '' THEN
    r.tenant := COALESCE(img, prior) ->> TG_ARGV[0];
  END IF;
  r.row_key := '{}';
  FOREACH k IN ARRAY TG_ARGV[1]::text[] LOOP
    r.row_key := r.row_key || jsonb_build_object(k, COALESCE(img, prior) -> k);
  END LOOP;
  r.action := CASE
    WHEN TG_OP = 'INSERT' THEN 'create'
    WHEN TG_OP = 'DELETE' AND soft IS NULL THEN 'delete'
    WHEN TG_OP = 'DELETE' THEN 'hard_delete'
    WHEN soft IS NOT NULL AND prior -> soft = 'null' AND img -> soft <> 'null' THEN 'delete'
    WHEN soft IS NOT NULL AND prior -> soft <> 'null' AND img -> soft = 'null' THEN 'restore'
    ELSE 'update' END;
  r.actor := NULLIF(current_setting('cpcgen.actor', true), '');
  IF cardinality(sensitive) > 0 THEN
    prior := cpcgen_audit_mask(prior, r.table_name, r.tenant, sensitive);
    img := cpcgen_audit_mask(img, r.table_name, r.tenant, sensitive);
  END IF;
  r."old" := prior;
  r."new" := img;
  r.id := nextval(pg_get_serial_sequence('cpcgen_audit_log', 'id'));
  r."at" := now();
  r.txid := txid_current();
  INSERT INTO cpcgen_audit_head AS h (tenant, seq, hash)
  VALUES (COALESCE(r.tenant, ''), 1, cpcgen_audit_hash(NULL, 1, r))
  ON CONFLICT (tenant) DO UPDATE SET seq = h.seq + 1, hash = cpcgen_audit_hash(h.hash, h.seq + 1, r)
  RETURNING h.seq, h.hash INTO r.seq, r.hash;
  INSERT INTO cpcgen_audit_log VALUES (r.*);
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION cpcgen_audit() FROM PUBLIC;
DO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit() SET search_path = %I, pg_temp', current_schema()); END $pin$;
-- create function "cpcgen_audit_verify"
CREATE FUNCTION cpcgen_audit_verify(chain text DEFAULT NULL)
RETURNS TABLE (tenant text, verified bigint, head_seq bigint, head_hash text, broken_seq bigint, broken_id bigint, problem text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  c text;
  r cpcgen_audit_log;
  h cpcgen_audit_head;
  prev bytea;
  rows refcursor;
BEGIN
  FOR c IN
    SELECT x.t FROM (SELECT hd.tenant AS t FROM cpcgen_audit_head hd UNION SELECT COALESCE(l.tenant, '') FROM cpcgen_audit_log l) x
    WHERE chain IS NULL OR x.t = chain ORDER BY x.t
  LOOP
    tenant := c; verified := 0; prev := NULL; broken_seq := NULL; broken_id := NULL; problem := NULL;
    IF c = '' THEN
      OPEN rows FOR SELECT * FROM cpcgen_audit_log l WHERE l.tenant IS NULL OR l.tenant = '' ORDER BY l.seq NULLS FIRST, l.id;
    ELSE
      OPEN rows FOR SELECT * FROM cpcgen_audit_log l WHERE l.tenant = c ORDER BY l.seq NULLS FIRST, l.id;
    END IF;
    LOOP
      FETCH rows INTO r;
      EXIT WHEN NOT FOUND;
      IF r.seq IS NULL OR r.seq <> verified + 1 THEN
        broken_seq := verified + 1;
        broken_id := r.id;
        problem := CASE
          WHEN r.seq IS NULL THEN format('row %s is outside the chain (no seq): it was not written by the audit trigger; cpcgen_audit_adopt() adopts such rows', r.id)
          WHEN r.seq <= verified THEN format('row %s repeats seq %s: a row was copied, or its seq changed', r.id, r.seq)
          WHEN r.seq = verified + 2 THEN format('the row with seq %s is missing (deleted), before row %s', verified + 1, r.id)
          ELSE format('the rows with seq %s to %s are missing (deleted), before row %s', verified + 1, r.seq - 1, r.id) END;
        EXIT;
      END IF;
      IF r.hash IS DISTINCT FROM cpcgen_audit_hash(prev, r.seq, r) THEN
        broken_seq := r.seq;
        broken_id := r.id;
        problem := format('row %s (seq %s) does not match its hash: it was changed after it was written', r.id, r.seq);
        EXIT;
      END IF;
      prev := r.hash;
      verified := verified + 1;
    END LOOP;
    CLOSE rows;
    h := NULL;
    SELECT * INTO h FROM cpcgen_audit_head hd WHERE hd.tenant = c;
    head_seq := h.seq;
    head_hash := encode(h.hash, 'hex');
    IF problem IS NULL THEN
      IF h.tenant IS NULL THEN
        broken_seq := verified;
        problem := 'the chain has no head in cpcgen_audit_head: the head was deleted';
      ELSIF h.seq <> verified THEN
        broken_seq := verified + 1;
        problem := format('the head says the chain has %s rows but the log holds %s: the last rows were deleted', h.seq, verified);
      ELSIF h.hash IS DISTINCT FROM prev THEN
        broken_seq := verified;
        problem := 'the hash of the head is not that of the last row: the head was changed';
      END IF;
    END IF;
    RETURN NEXT;
  END LOOP;
END $$;
REVOKE ALL ON FUNCTION cpcgen_audit_verify(text) FROM PUBLIC;
DO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_verify(text) SET search_path = %I, pg_temp', current_schema()); END $pin$;
-- create row-level security policy "cpcgen_tenant" on "cpcgen_audit_log"
ALTER TABLE "cpcgen_audit_log" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "cpcgen_tenant" ON "cpcgen_audit_log" FOR SELECT USING ("tenant" IS NULL OR "tenant" = NULLIF(current_setting('cpcgen.tenant', true), '')::text);
-- create trigger "cpcgen_audit" on "customers"
CREATE TRIGGER "cpcgen_audit" AFTER INSERT OR UPDATE OR DELETE ON "customers" FOR EACH ROW EXECUTE FUNCTION "cpcgen_audit"('organization_id', '{id}', '', '{email,phone}');
-- create trigger "cpcgen_audit" on "deals"
CREATE TRIGGER "cpcgen_audit" AFTER INSERT OR UPDATE OR DELETE ON "deals" FOR EACH ROW EXECUTE FUNCTION "cpcgen_audit"('organization_id', '{id}', '', '{}');
