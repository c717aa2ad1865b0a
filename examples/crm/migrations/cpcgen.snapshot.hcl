# Schema after the last migration, written by cpcgen migrate diff; listed in atlas.sum.
# cpcgen:fk-set-columns {"table":"activities","constraint":"activities_deal_id_fkey","on_delete":"SET NULL","columns":["deal_id"]}
# cpcgen:object {"key":"function cpcgen_tenant","kind":"function","noun":"function","name":"cpcgen_tenant","create":"CREATE FUNCTION cpcgen_tenant() RETURNS text\nLANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER\nAS $cpcgen$\nDECLARE\n  token text := current_setting('cpcgen.tenant', true);\nBEGIN\n  -- v1.\u003ckey id\u003e.\u003cbackend pid\u003e.\u003cexpiry\u003e.\u003chmac-sha256\u003e.\u003ctenant\u003e: see runtime.TenantKey\n  IF token IS NULL OR length(token) \u003c= 109 OR substr(token, 1, 3) \u003c\u003e 'v1.' THEN\n    RETURN NULL;\n  END IF;\n  RETURN (SELECT substr(token, 110) FROM cpcgen_tenant_keys k\n    WHERE k.id = substr(token, 4, 16)\n      AND substr(token, 21, 10) IN (lpad(pg_backend_pid()::text, 10, '0'), '0000000000')\n      AND substr(token, 32, 12) COLLATE \"C\" \u003e lpad(floor(extract(epoch FROM statement_timestamp()))::bigint::text, 12, '0')\n      AND encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(substr(token, 1, 44) || substr(token, 110), 'UTF8'))), 'hex') = substr(token, 45, 64));\nEND\n$cpcgen$;\nDO $cpcgen$\nBEGIN\n  EXECUTE format('ALTER FUNCTION cpcgen_tenant() SET search_path = %I, pg_temp', current_schema());\nEND\n$cpcgen$;\nREVOKE ALL ON cpcgen_tenant_keys FROM PUBLIC;\nDO $cpcgen$\nDECLARE\n  g record;\nBEGIN\n  FOR g IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a\n      WHERE c.oid = 'cpcgen_tenant_keys'::regclass AND a.grantee NOT IN (0, c.relowner) LOOP\n    EXECUTE format('REVOKE ALL ON cpcgen_tenant_keys FROM %s', g.grantee::regrole);\n  END LOOP;\nEND\n$cpcgen$","replace":"CREATE OR REPLACE FUNCTION cpcgen_tenant() RETURNS text\nLANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER\nAS $cpcgen$\nDECLARE\n  token text := current_setting('cpcgen.tenant', true);\nBEGIN\n  -- v1.\u003ckey id\u003e.\u003cbackend pid\u003e.\u003cexpiry\u003e.\u003chmac-sha256\u003e.\u003ctenant\u003e: see runtime.TenantKey\n  IF token IS NULL OR length(token) \u003c= 109 OR substr(token, 1, 3) \u003c\u003e 'v1.' THEN\n    RETURN NULL;\n  END IF;\n  RETURN (SELECT substr(token, 110) FROM cpcgen_tenant_keys k\n    WHERE k.id = substr(token, 4, 16)\n      AND substr(token, 21, 10) IN (lpad(pg_backend_pid()::text, 10, '0'), '0000000000')\n      AND substr(token, 32, 12) COLLATE \"C\" \u003e lpad(floor(extract(epoch FROM statement_timestamp()))::bigint::text, 12, '0')\n      AND encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(substr(token, 1, 44) || substr(token, 110), 'UTF8'))), 'hex') = substr(token, 45, 64));\nEND\n$cpcgen$;\nDO $cpcgen$\nBEGIN\n  EXECUTE format('ALTER FUNCTION cpcgen_tenant() SET search_path = %I, pg_temp', current_schema());\nEND\n$cpcgen$;\nREVOKE ALL ON cpcgen_tenant_keys FROM PUBLIC;\nDO $cpcgen$\nDECLARE\n  g record;\nBEGIN\n  FOR g IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a\n      WHERE c.oid = 'cpcgen_tenant_keys'::regclass AND a.grantee NOT IN (0, c.relowner) LOOP\n    EXECUTE format('REVOKE ALL ON cpcgen_tenant_keys FROM %s', g.grantee::regrole);\n  END LOOP;\nEND\n$cpcgen$","signature":"cpcgen_tenant()","drop":"DROP FUNCTION cpcgen_tenant()","depends_on":["table cpcgen_tenant_keys"]}
# cpcgen:object {"key":"function cpcgen_audit_hash","kind":"function","noun":"function","name":"cpcgen_audit_hash","create":"CREATE FUNCTION cpcgen_audit_hash(prev bytea, seq bigint, r cpcgen_audit_log) RETURNS bytea\nLANGUAGE sql STABLE PARALLEL SAFE AS $$\n  SELECT sha256(COALESCE(prev, '\\x'::bytea) || convert_to(jsonb_build_array(\n    r.id, seq, r.tenant, r.table_name, r.row_key, r.action, r.actor, r.\"old\", r.\"new\",\n    to_char(r.\"at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), r.txid)::text, 'UTF8'))\n$$;\nREVOKE ALL ON FUNCTION cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log) FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log) SET search_path = %I, pg_temp', current_schema()); END $pin$","replace":"CREATE OR REPLACE FUNCTION cpcgen_audit_hash(prev bytea, seq bigint, r cpcgen_audit_log) RETURNS bytea\nLANGUAGE sql STABLE PARALLEL SAFE AS $$\n  SELECT sha256(COALESCE(prev, '\\x'::bytea) || convert_to(jsonb_build_array(\n    r.id, seq, r.tenant, r.table_name, r.row_key, r.action, r.actor, r.\"old\", r.\"new\",\n    to_char(r.\"at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), r.txid)::text, 'UTF8'))\n$$;\nREVOKE ALL ON FUNCTION cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log) FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log) SET search_path = %I, pg_temp', current_schema()); END $pin$","signature":"cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log)","drop":"DROP FUNCTION cpcgen_audit_hash(bytea, bigint, cpcgen_audit_log)","depends_on":["table cpcgen_audit_log"]}
# cpcgen:object {"key":"function cpcgen_audit_mask","kind":"function","noun":"function","name":"cpcgen_audit_mask","create":"CREATE FUNCTION cpcgen_audit_mask(image jsonb, table_name text, tenant text, columns text[]) RETURNS jsonb\nLANGUAGE plpgsql AS $$\nDECLARE\n  k cpcgen_audit_key;\n  ik bytea;\n  ok bytea;\n  c text;\nBEGIN\n  IF image IS NULL OR cardinality(columns) = 0 THEN\n    RETURN image;\n  END IF;\n  SELECT * INTO k FROM cpcgen_audit_key;\n  IF NOT FOUND THEN\n    ik := decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') || '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;\n    ok := ik;\n    FOR i IN 0..63 LOOP\n      ok := set_byte(ok, i, get_byte(ik, i) # 92);\n      ik := set_byte(ik, i, get_byte(ik, i) # 54);\n    END LOOP;\n    INSERT INTO cpcgen_audit_key (inner_key, outer_key) VALUES (ik, ok) ON CONFLICT DO NOTHING;\n    SELECT * INTO STRICT k FROM cpcgen_audit_key;\n  END IF;\n  FOREACH c IN ARRAY columns LOOP\n    IF image ? c AND jsonb_typeof(image -\u003e c) \u003c\u003e 'null' THEN\n      image := jsonb_set(image, ARRAY[c], to_jsonb('hmac-sha256:' || encode(sha256(k.outer_key || sha256(k.inner_key ||\n        convert_to(jsonb_build_array(tenant, table_name, c, image -\u003e c)::text, 'UTF8'))), 'hex')));\n    END IF;\n  END LOOP;\n  RETURN image;\nEND $$;\nREVOKE ALL ON FUNCTION cpcgen_audit_mask(jsonb, text, text, text[]) FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_mask(jsonb, text, text, text[]) SET search_path = %I, pg_temp', current_schema()); END $pin$","replace":"CREATE OR REPLACE FUNCTION cpcgen_audit_mask(image jsonb, table_name text, tenant text, columns text[]) RETURNS jsonb\nLANGUAGE plpgsql AS $$\nDECLARE\n  k cpcgen_audit_key;\n  ik bytea;\n  ok bytea;\n  c text;\nBEGIN\n  IF image IS NULL OR cardinality(columns) = 0 THEN\n    RETURN image;\n  END IF;\n  SELECT * INTO k FROM cpcgen_audit_key;\n  IF NOT FOUND THEN\n    ik := decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') || '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;\n    ok := ik;\n    FOR i IN 0..63 LOOP\n      ok := set_byte(ok, i, get_byte(ik, i) # 92);\n      ik := set_byte(ik, i, get_byte(ik, i) # 54);\n    END LOOP;\n    INSERT INTO cpcgen_audit_key (inner_key, outer_key) VALUES (ik, ok) ON CONFLICT DO NOTHING;\n    SELECT * INTO STRICT k FROM cpcgen_audit_key;\n  END IF;\n  FOREACH c IN ARRAY columns LOOP\n    IF image ? c AND jsonb_typeof(image -\u003e c) \u003c\u003e 'null' THEN\n      image := jsonb_set(image, ARRAY[c], to_jsonb('hmac-sha256:' || encode(sha256(k.outer_key || sha256(k.inner_key ||\n        convert_to(jsonb_build_array(tenant, table_name, c, image -\u003e c)::text, 'UTF8'))), 'hex')));\n    END IF;\n  END LOOP;\n  RETURN image;\nEND $$;\nREVOKE ALL ON FUNCTION cpcgen_audit_mask(jsonb, text, text, text[]) FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_mask(jsonb, text, text, text[]) SET search_path = %I, pg_temp', current_schema()); END $pin$","signature":"cpcgen_audit_mask(jsonb, text, text, text[])","drop":"DROP FUNCTION cpcgen_audit_mask(jsonb, text, text, text[])","depends_on":["table cpcgen_audit_key"]}
# cpcgen:object {"key":"function cpcgen_audit_adopt","kind":"function","noun":"function","name":"cpcgen_audit_adopt","create":"CREATE FUNCTION cpcgen_audit_adopt() RETURNS bigint\nLANGUAGE plpgsql AS $$\nDECLARE\n  cfg record;\n  r cpcgen_audit_log;\n  n bigint := 0;\nBEGIN\n  FOR cfg IN SELECT * FROM (VALUES\n      ('customers', 'organization_id', '{email,phone}'),\n      ('deals', 'organization_id', '{}')\n    ) AS t(table_name, tenant_column, sensitive)\n  LOOP\n    UPDATE cpcgen_audit_log l SET\n      tenant = CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l.\"new\", l.\"old\") -\u003e\u003e cfg.tenant_column END,\n      \"old\" = cpcgen_audit_mask(l.\"old\", l.table_name, CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l.\"new\", l.\"old\") -\u003e\u003e cfg.tenant_column END, cfg.sensitive::text[]),\n      \"new\" = cpcgen_audit_mask(l.\"new\", l.table_name, CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l.\"new\", l.\"old\") -\u003e\u003e cfg.tenant_column END, cfg.sensitive::text[])\n    WHERE l.seq IS NULL AND l.hash IS NULL AND l.table_name = cfg.table_name;\n  END LOOP;\n  UPDATE cpcgen_audit_log l SET tenant = '' WHERE l.seq IS NULL AND l.hash IS NULL AND l.tenant IS NULL\n    AND l.table_name NOT IN (SELECT t.table_name FROM (VALUES\n      ('customers', 'organization_id', '{email,phone}'),\n      ('deals', 'organization_id', '{}')\n    ) AS t(table_name, tenant_column, sensitive));\n  FOR r IN SELECT * FROM cpcgen_audit_log l WHERE l.seq IS NULL ORDER BY l.id FOR UPDATE LOOP\n    INSERT INTO cpcgen_audit_head AS h (tenant, seq, hash)\n    VALUES (COALESCE(r.tenant, ''), 1, cpcgen_audit_hash(NULL, 1, r))\n    ON CONFLICT (tenant) DO UPDATE SET seq = h.seq + 1, hash = cpcgen_audit_hash(h.hash, h.seq + 1, r)\n    RETURNING h.seq, h.hash INTO r.seq, r.hash;\n    UPDATE cpcgen_audit_log l SET seq = r.seq, hash = r.hash WHERE l.id = r.id;\n    n := n + 1;\n  END LOOP;\n  RETURN n;\nEND $$;\nREVOKE ALL ON FUNCTION cpcgen_audit_adopt() FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_adopt() SET search_path = %I, pg_temp', current_schema()); END $pin$;\nSELECT cpcgen_audit_adopt()","replace":"CREATE OR REPLACE FUNCTION cpcgen_audit_adopt() RETURNS bigint\nLANGUAGE plpgsql AS $$\nDECLARE\n  cfg record;\n  r cpcgen_audit_log;\n  n bigint := 0;\nBEGIN\n  FOR cfg IN SELECT * FROM (VALUES\n      ('customers', 'organization_id', '{email,phone}'),\n      ('deals', 'organization_id', '{}')\n    ) AS t(table_name, tenant_column, sensitive)\n  LOOP\n    UPDATE cpcgen_audit_log l SET\n      tenant = CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l.\"new\", l.\"old\") -\u003e\u003e cfg.tenant_column END,\n      \"old\" = cpcgen_audit_mask(l.\"old\", l.table_name, CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l.\"new\", l.\"old\") -\u003e\u003e cfg.tenant_column END, cfg.sensitive::text[]),\n      \"new\" = cpcgen_audit_mask(l.\"new\", l.table_name, CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l.\"new\", l.\"old\") -\u003e\u003e cfg.tenant_column END, cfg.sensitive::text[])\n    WHERE l.seq IS NULL AND l.hash IS NULL AND l.table_name = cfg.table_name;\n  END LOOP;\n  UPDATE cpcgen_audit_log l SET tenant = '' WHERE l.seq IS NULL AND l.hash IS NULL AND l.tenant IS NULL\n    AND l.table_name NOT IN (SELECT t.table_name FROM (VALUES\n      ('customers', 'organization_id', '{email,phone}'),\n      ('deals', 'organization_id', '{}')\n    ) AS t(table_name, tenant_column, sensitive));\n  FOR r IN SELECT * FROM cpcgen_audit_log l WHERE l.seq IS NULL ORDER BY l.id FOR UPDATE LOOP\n    INSERT INTO cpcgen_audit_head AS h (tenant, seq, hash)\n    VALUES (COALESCE(r.tenant, ''), 1, cpcgen_audit_hash(NULL, 1, r))\n    ON CONFLICT (tenant) DO UPDATE SET seq = h.seq + 1, hash = cpcgen_audit_hash(h.hash, h.seq + 1, r)\n    RETURNING h.seq, h.hash INTO r.seq, r.hash;\n    UPDATE cpcgen_audit_log l SET seq = r.seq, hash = r.hash WHERE l.id = r.id;\n    n := n + 1;\n  END LOOP;\n  RETURN n;\nEND $$;\nREVOKE ALL ON FUNCTION cpcgen_audit_adopt() FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_adopt() SET search_path = %I, pg_temp', current_schema()); END $pin$;\nSELECT cpcgen_audit_adopt()","signature":"cpcgen_audit_adopt()","drop":"DROP FUNCTION cpcgen_audit_adopt()","depends_on":["table cpcgen_audit_log","table cpcgen_audit_head","function cpcgen_audit_hash","function cpcgen_audit_mask"]}
# cpcgen:object {"key":"function cpcgen_audit","kind":"function","noun":"function","name":"cpcgen_audit","create":"CREATE FUNCTION cpcgen_audit() RETURNS trigger\nLANGUAGE plpgsql SECURITY DEFINER AS $$\nDECLARE\n  r cpcgen_audit_log;\n  img jsonb;\n  prior jsonb;\n  soft text := NULLIF(TG_ARGV[2], '');\n  sensitive text[] := TG_ARGV[3]::text[];\n  k text;\nBEGIN\n  IF TG_OP \u003c\u003e 'INSERT' THEN\n    prior := to_jsonb(OLD);\n  END IF;\n  IF TG_OP \u003c\u003e 'DELETE' THEN\n    img := to_jsonb(NEW);\n  END IF;\n  r.table_name := TG_TABLE_NAME;\n  IF TG_ARGV[0] \u003c\u003e '' THEN\n    r.tenant := COALESCE(img, prior) -\u003e\u003e TG_ARGV[0];\n  END IF;\n  r.row_key := '{}';\n  FOREACH k IN ARRAY TG_ARGV[1]::text[] LOOP\n    r.row_key := r.row_key || jsonb_build_object(k, COALESCE(img, prior) -\u003e k);\n  END LOOP;\n  r.action := CASE\n    WHEN TG_OP = 'INSERT' THEN 'create'\n    WHEN TG_OP = 'DELETE' AND soft IS NULL THEN 'delete'\n    WHEN TG_OP = 'DELETE' THEN 'hard_delete'\n    WHEN soft IS NOT NULL AND prior -\u003e soft = 'null' AND img -\u003e soft \u003c\u003e 'null' THEN 'delete'\n    WHEN soft IS NOT NULL AND prior -\u003e soft \u003c\u003e 'null' AND img -\u003e soft = 'null' THEN 'restore'\n    ELSE 'update' END;\n  r.actor := NULLIF(current_setting('cpcgen.actor', true), '');\n  IF cardinality(sensitive) \u003e 0 THEN\n    prior := cpcgen_audit_mask(prior, r.table_name, r.tenant, sensitive);\n    img := cpcgen_audit_mask(img, r.table_name, r.tenant, sensitive);\n  END IF;\n  r.\"old\" := prior;\n  r.\"new\" := img;\n  r.id := nextval(pg_get_serial_sequence('cpcgen_audit_log', 'id'));\n  r.\"at\" := now();\n  r.txid := txid_current();\n  INSERT INTO cpcgen_audit_head AS h (tenant, seq, hash)\n  VALUES (COALESCE(r.tenant, ''), 1, cpcgen_audit_hash(NULL, 1, r))\n  ON CONFLICT (tenant) DO UPDATE SET seq = h.seq + 1, hash = cpcgen_audit_hash(h.hash, h.seq + 1, r)\n  RETURNING h.seq, h.hash INTO r.seq, r.hash;\n  INSERT INTO cpcgen_audit_log VALUES (r.*);\n  RETURN NULL;\nEND $$;\nREVOKE ALL ON FUNCTION cpcgen_audit() FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit() SET search_path = %I, pg_temp', current_schema()); END $pin$","replace":"CREATE OR REPLACE FUNCTION cpcgen_audit() RETURNS trigger\nLANGUAGE plpgsql SECURITY DEFINER AS $$\nDECLARE\n  r cpcgen_audit_log;\n  img jsonb;\n  prior jsonb;\n  soft text := NULLIF(TG_ARGV[2], '');\n  sensitive text[] := TG_ARGV[3]::text[];\n  k text;\nBEGIN\n  IF TG_OP \u003c\u003e 'INSERT' THEN\n    prior := to_jsonb(OLD);\n  END IF;\n  IF TG_OP \u003c\u003e 'DELETE' THEN\n    img := to_jsonb(NEW);\n  END IF;\n  r.table_name := TG_TABLE_NAME;\n  IF TG_ARGV[0] \u003c\u003e '' THEN\n    r.tenant := COALESCE(img, prior) -\u003e\u003e TG_ARGV[0];\n  END IF;\n  r.row_key := '{}';\n  FOREACH k IN ARRAY TG_ARGV[1]::text[] LOOP\n    r.row_key := r.row_key || jsonb_build_object(k, COALESCE(img, prior) -\u003e k);\n  END LOOP;\n  r.action := CASE\n    WHEN TG_OP = 'INSERT' THEN 'create'\n    WHEN TG_OP = 'DELETE' AND soft IS NULL THEN 'delete'\n    WHEN TG_OP = 'DELETE' THEN 'hard_delete'\n    WHEN soft IS NOT NULL AND prior -\u003e soft = 'null' AND img -\u003e soft \u003c\u003e 'null' THEN 'delete'\n    WHEN soft IS NOT NULL AND prior -\u003e soft \u003c\u003e 'null' AND img -\u003e soft = 'null' THEN 'restore'\n    ELSE 'update' END;\n  r.actor := NULLIF(current_setting('cpcgen.actor', true), '');\n  IF cardinality(sensitive) \u003e 0 THEN\n    prior := cpcgen_audit_mask(prior, r.table_name, r.tenant, sensitive);\n    img := cpcgen_audit_mask(img, r.table_name, r.tenant, sensitive);\n  END IF;\n  r.\"old\" := prior;\n  r.\"new\" := img;\n  r.id := nextval(pg_get_serial_sequence('cpcgen_audit_log', 'id'));\n  r.\"at\" := now();\n  r.txid := txid_current();\n  INSERT INTO cpcgen_audit_head AS h (tenant, seq, hash)\n  VALUES (COALESCE(r.tenant, ''), 1, cpcgen_audit_hash(NULL, 1, r))\n  ON CONFLICT (tenant) DO UPDATE SET seq = h.seq + 1, hash = cpcgen_audit_hash(h.hash, h.seq + 1, r)\n  RETURNING h.seq, h.hash INTO r.seq, r.hash;\n  INSERT INTO cpcgen_audit_log VALUES (r.*);\n  RETURN NULL;\nEND $$;\nREVOKE ALL ON FUNCTION cpcgen_audit() FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit() SET search_path = %I, pg_temp', current_schema()); END $pin$","signature":"cpcgen_audit()","drop":"DROP FUNCTION cpcgen_audit()","depends_on":["table cpcgen_audit_log","table cpcgen_audit_head","function cpcgen_audit_hash","function cpcgen_audit_mask"]}
# cpcgen:object {"key":"function cpcgen_audit_verify","kind":"function","noun":"function","name":"cpcgen_audit_verify","create":"CREATE FUNCTION cpcgen_audit_verify(chain text DEFAULT NULL)\nRETURNS TABLE (tenant text, verified bigint, head_seq bigint, head_hash text, broken_seq bigint, broken_id bigint, problem text)\nLANGUAGE plpgsql STABLE AS $$\nDECLARE\n  c text;\n  r cpcgen_audit_log;\n  h cpcgen_audit_head;\n  prev bytea;\n  rows refcursor;\nBEGIN\n  FOR c IN\n    SELECT x.t FROM (SELECT hd.tenant AS t FROM cpcgen_audit_head hd UNION SELECT COALESCE(l.tenant, '') FROM cpcgen_audit_log l) x\n    WHERE chain IS NULL OR x.t = chain ORDER BY x.t\n  LOOP\n    tenant := c; verified := 0; prev := NULL; broken_seq := NULL; broken_id := NULL; problem := NULL;\n    IF c = '' THEN\n      OPEN rows FOR SELECT * FROM cpcgen_audit_log l WHERE l.tenant IS NULL OR l.tenant = '' ORDER BY l.seq NULLS FIRST, l.id;\n    ELSE\n      OPEN rows FOR SELECT * FROM cpcgen_audit_log l WHERE l.tenant = c ORDER BY l.seq NULLS FIRST, l.id;\n    END IF;\n    LOOP\n      FETCH rows INTO r;\n      EXIT WHEN NOT FOUND;\n      IF r.seq IS NULL OR r.seq \u003c\u003e verified + 1 THEN\n        broken_seq := verified + 1;\n        broken_id := r.id;\n        problem := CASE\n          WHEN r.seq IS NULL THEN format('row %s is outside the chain (no seq): it was not written by the audit trigger; cpcgen_audit_adopt() adopts such rows', r.id)\n          WHEN r.seq \u003c= verified THEN format('row %s repeats seq %s: a row was copied, or its seq changed', r.id, r.seq)\n          WHEN r.seq = verified + 2 THEN format('the row with seq %s is missing (deleted), before row %s', verified + 1, r.id)\n          ELSE format('the rows with seq %s to %s are missing (deleted), before row %s', verified + 1, r.seq - 1, r.id) END;\n        EXIT;\n      END IF;\n      IF r.hash IS DISTINCT FROM cpcgen_audit_hash(prev, r.seq, r) THEN\n        broken_seq := r.seq;\n        broken_id := r.id;\n        problem := format('row %s (seq %s) does not match its hash: it was changed after it was written', r.id, r.seq);\n        EXIT;\n      END IF;\n      prev := r.hash;\n      verified := verified + 1;\n    END LOOP;\n    CLOSE rows;\n    h := NULL;\n    SELECT * INTO h FROM cpcgen_audit_head hd WHERE hd.tenant = c;\n    head_seq := h.seq;\n    head_hash := encode(h.hash, 'hex');\n    IF problem IS NULL THEN\n      IF h.tenant IS NULL THEN\n        broken_seq := verified;\n        problem := 'the chain has no head in cpcgen_audit_head: the head was deleted';\n      ELSIF h.seq \u003c\u003e verified THEN\n        broken_seq := verified + 1;\n        problem := format('the head says the chain has %s rows but the log holds %s: the last rows were deleted', h.seq, verified);\n      ELSIF h.hash IS DISTINCT FROM prev THEN\n        broken_seq := verified;\n        problem := 'the hash of the head is not that of the last row: the head was changed';\n      END IF;\n    END IF;\n    RETURN NEXT;\n  END LOOP;\nEND $$;\nREVOKE ALL ON FUNCTION cpcgen_audit_verify(text) FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_verify(text) SET search_path = %I, pg_temp', current_schema()); END $pin$","replace":"CREATE OR REPLACE FUNCTION cpcgen_audit_verify(chain text DEFAULT NULL)\nRETURNS TABLE (tenant text, verified bigint, head_seq bigint, head_hash text, broken_seq bigint, broken_id bigint, problem text)\nLANGUAGE plpgsql STABLE AS $$\nDECLARE\n  c text;\n  r cpcgen_audit_log;\n  h cpcgen_audit_head;\n  prev bytea;\n  rows refcursor;\nBEGIN\n  FOR c IN\n    SELECT x.t FROM (SELECT hd.tenant AS t FROM cpcgen_audit_head hd UNION SELECT COALESCE(l.tenant, '') FROM cpcgen_audit_log l) x\n    WHERE chain IS NULL OR x.t = chain ORDER BY x.t\n  LOOP\n    tenant := c; verified := 0; prev := NULL; broken_seq := NULL; broken_id := NULL; problem := NULL;\n    IF c = '' THEN\n      OPEN rows FOR SELECT * FROM cpcgen_audit_log l WHERE l.tenant IS NULL OR l.tenant = '' ORDER BY l.seq NULLS FIRST, l.id;\n    ELSE\n      OPEN rows FOR SELECT * FROM cpcgen_audit_log l WHERE l.tenant = c ORDER BY l.seq NULLS FIRST, l.id;\n    END IF;\n    LOOP\n      FETCH rows INTO r;\n      EXIT WHEN NOT FOUND;\n      IF r.seq IS NULL OR r.seq \u003c\u003e verified + 1 THEN\n        broken_seq := verified + 1;\n        broken_id := r.id;\n        problem := CASE\n          WHEN r.seq IS NULL THEN format('row %s is outside the chain (no seq): it was not written by the audit trigger; cpcgen_audit_adopt() adopts such rows', r.id)\n          WHEN r.seq \u003c= verified THEN format('row %s repeats seq %s: a row was copied, or its seq changed', r.id, r.seq)\n          WHEN r.seq = verified + 2 THEN format('the row with seq %s is missing (deleted), before row %s', verified + 1, r.id)\n          ELSE format('the rows with seq %s to %s are missing (deleted), before row %s', verified + 1, r.seq - 1, r.id) END;\n        EXIT;\n      END IF;\n      IF r.hash IS DISTINCT FROM cpcgen_audit_hash(prev, r.seq, r) THEN\n        broken_seq := r.seq;\n        broken_id := r.id;\n        problem := format('row %s (seq %s) does not match its hash: it was changed after it was written', r.id, r.seq);\n        EXIT;\n      END IF;\n      prev := r.hash;\n      verified := verified + 1;\n    END LOOP;\n    CLOSE rows;\n    h := NULL;\n    SELECT * INTO h FROM cpcgen_audit_head hd WHERE hd.tenant = c;\n    head_seq := h.seq;\n    head_hash := encode(h.hash, 'hex');\n    IF problem IS NULL THEN\n      IF h.tenant IS NULL THEN\n        broken_seq := verified;\n        problem := 'the chain has no head in cpcgen_audit_head: the head was deleted';\n      ELSIF h.seq \u003c\u003e verified THEN\n        broken_seq := verified + 1;\n        problem := format('the head says the chain has %s rows but the log holds %s: the last rows were deleted', h.seq, verified);\n      ELSIF h.hash IS DISTINCT FROM prev THEN\n        broken_seq := verified;\n        problem := 'the hash of the head is not that of the last row: the head was changed';\n      END IF;\n    END IF;\n    RETURN NEXT;\n  END LOOP;\nEND $$;\nREVOKE ALL ON FUNCTION cpcgen_audit_verify(text) FROM PUBLIC;\nDO $pin$ BEGIN EXECUTE format('ALTER FUNCTION cpcgen_audit_verify(text) SET search_path = %I, pg_temp', current_schema()); END $pin$","signature":"cpcgen_audit_verify(text)","drop":"DROP FUNCTION cpcgen_audit_verify(text)","depends_on":["table cpcgen_audit_log","table cpcgen_audit_head","function cpcgen_audit_hash"]}
# cpcgen:object {"key":"policy cpcgen_tenant on cpcgen_audit_log","kind":"other","noun":"row-level security policy","name":"cpcgen_tenant","table":"cpcgen_audit_log","create":"ALTER TABLE \"cpcgen_audit_log\" ENABLE ROW LEVEL SECURITY;\nCREATE POLICY \"cpcgen_tenant\" ON \"cpcgen_audit_log\" FOR SELECT USING (\"tenant\" IS NULL OR \"tenant\" = (SELECT cpcgen_tenant()::text))","drop":"DROP POLICY \"cpcgen_tenant\" ON \"cpcgen_audit_log\";\nALTER TABLE \"cpcgen_audit_log\" DISABLE ROW LEVEL SECURITY","depends_on":["table cpcgen_audit_log","function cpcgen_tenant"]}
# cpcgen:object {"key":"trigger cpcgen_audit on customers","kind":"trigger","noun":"trigger","name":"cpcgen_audit","table":"customers","create":"CREATE TRIGGER \"cpcgen_audit\" AFTER INSERT OR UPDATE OR DELETE ON \"customers\" FOR EACH ROW EXECUTE FUNCTION \"cpcgen_audit\"('organization_id', '{id}', '', '{email,phone}')","drop":"DROP TRIGGER \"cpcgen_audit\" ON \"customers\"","depends_on":["table customers","function cpcgen_audit"]}
# cpcgen:object {"key":"trigger cpcgen_audit on deals","kind":"trigger","noun":"trigger","name":"cpcgen_audit","table":"deals","create":"CREATE TRIGGER \"cpcgen_audit\" AFTER INSERT OR UPDATE OR DELETE ON \"deals\" FOR EACH ROW EXECUTE FUNCTION \"cpcgen_audit\"('organization_id', '{id}', '', '{}')","drop":"DROP TRIGGER \"cpcgen_audit\" ON \"deals\"","depends_on":["table deals","function cpcgen_audit"]}
# cpcgen:policy {"table":"activities","column":"organization_id","type":"uuid","token":true}
# cpcgen:policy {"table":"contacts","column":"organization_id","type":"uuid","token":true}
# cpcgen:policy {"table":"customer_tags","column":"organization_id","type":"uuid","token":true}
# cpcgen:policy {"table":"customers","column":"organization_id","type":"uuid","token":true}
# cpcgen:policy {"table":"deals","column":"organization_id","type":"uuid","token":true}
# cpcgen:policy {"table":"organizations","column":"id","type":"uuid","token":true}
# cpcgen:policy {"table":"tags","column":"organization_id","type":"uuid","token":true}
# cpcgen:enum-comment {"enum":"activity_kind","comment":"How the organization was in touch with a customer."}
# cpcgen:enum-comment {"enum":"deal_stage","comment":"Where a deal stands in the pipeline; won and lost are closed."}
# cpcgen:usage {"table":"activities","read":["id","organization_id","customer_id","deal_id","kind","summary","happened_at"],"insert":["customer_id","deal_id","kind","summary","organization_id"],"write":["organization_id","customer_id","deal_id","kind","summary","happened_at"]}
# cpcgen:usage {"table":"contacts","read":["id","organization_id","customer_id","name","email","title","created_at","updated_at"],"insert":["customer_id","name","email","title","organization_id"],"write":["id","organization_id","customer_id","name","email","title","created_at","updated_at"]}
# cpcgen:usage {"table":"customer_tags","read":["organization_id","customer_id","tag_id"],"insert":["customer_id","tag_id","organization_id"],"write":["organization_id","customer_id","tag_id"]}
# cpcgen:usage {"table":"customers","read":["id","organization_id","name","email","phone","notes","created_at","updated_at"],"insert":["name","email","phone","notes","organization_id"],"write":["id","organization_id","name","email","phone","notes","created_at","updated_at"]}
# cpcgen:usage {"table":"deals","read":["id","organization_id","customer_id","title","stage","amount","closes_on","created_at","updated_at","version"],"insert":["customer_id","title","closes_on","organization_id"],"write":["id","organization_id","customer_id","title","stage","amount","closes_on","created_at","updated_at","version"]}
# cpcgen:usage {"table":"organizations","read":["id","name","slug","created_at","updated_at"],"insert":["name","slug","id"],"write":["id","name","slug","created_at","updated_at"]}
# cpcgen:usage {"table":"tags","read":["id","organization_id","name"],"insert":["name","organization_id"],"write":["id","organization_id","name"]}
table "organizations" {
  schema  = schema.public
  comment = "A tenant. Its id is the tenant of every row it owns."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "name" {
    null = false
    type = character_varying(120)
  }
  column "slug" {
    null    = false
    type    = character_varying(63)
    comment = "The organization's name in URLs."
  }
  column "created_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  column "updated_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  check "organizations_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  check "organizations_slug_pattern" {
    expr = "\"slug\" ~ '^(?:^[0-9a-z]+(\\-[0-9a-z]+)*$)$'"
  }
  unique "organizations_slug_key" {
    columns = [column.slug]
  }
}
table "customers" {
  schema  = schema.public
  comment = "A company or person the organization sells to."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "name" {
    null = false
    type = character_varying(200)
  }
  column "email" {
    null    = false
    type    = character_varying(320)
    comment = "Unique within the organization, in any letter case."
  }
  column "phone" {
    null = true
    type = character_varying(32)
  }
  column "notes" {
    null = true
    type = text
  }
  column "created_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  column "updated_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "customers_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  index "customers_org_email_key" {
    unique = true
    on {
      column = column.organization_id
    }
    on {
      expr = "lower((email)::text)"
    }
  }
  index "customers_organization_id_name_id_idx" {
    columns = [column.organization_id, column.name, column.id]
  }
  check "customers_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  check "customers_email_format" {
    expr = "\"email\" ~ '^(?:[!#-''*-+\\u002D-9=?A-Z\\u005E-~]+\\@[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?(?:\\.[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?)+)$'"
  }
  check "customers_phone_format" {
    expr = "\"phone\" ~ '^(?:\\+[1-9][0-9]{1,14})$'"
  }
  unique "customers_organization_id_id_key" {
    columns = [column.organization_id, column.id]
  }
}
table "contacts" {
  schema  = schema.public
  comment = "A person at a customer."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "customer_id" {
    null = false
    type = uuid
  }
  column "name" {
    null = false
    type = character_varying(200)
  }
  column "email" {
    null = true
    type = character_varying(320)
  }
  column "title" {
    null = true
    type = character_varying(120)
  }
  column "created_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  column "updated_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "contacts_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "contacts_customer_id_fkey" {
    columns     = [column.organization_id, column.customer_id]
    ref_columns = [table.customers.column.organization_id, table.customers.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  check "contacts_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  check "contacts_email_format" {
    expr = "\"email\" ~ '^(?:[!#-''*-+\\u002D-9=?A-Z\\u005E-~]+\\@[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?(?:\\.[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?)+)$'"
  }
}
table "deals" {
  schema  = schema.public
  comment = "A sale, from first lead to won or lost."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "customer_id" {
    null = false
    type = uuid
  }
  column "title" {
    null = false
    type = character_varying(200)
  }
  column "stage" {
    null    = false
    type    = enum.deal_stage
    default = sql("'lead'::\"deal_stage\"")
  }
  column "amount" {
    null    = false
    type    = numeric(14,2)
    default = sql("0")
  }
  column "closes_on" {
    null    = true
    type    = date
    comment = "When the deal is expected to close."
  }
  column "created_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  column "updated_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  column "version" {
    null    = false
    type    = bigint
    default = sql("1")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "deals_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "deals_customer_id_fkey" {
    columns     = [column.organization_id, column.customer_id]
    ref_columns = [table.customers.column.organization_id, table.customers.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  index "deals_organization_id_stage_idx" {
    columns = [column.organization_id, column.stage]
  }
  check "deals_title_min_length" {
    expr = "char_length(\"title\") >= 1"
  }
  check "deals_amount_min" {
    expr = "\"amount\" >= 0"
  }
  unique "deals_organization_id_id_key" {
    columns = [column.organization_id, column.id]
  }
}
table "activities" {
  schema  = schema.public
  comment = "Something that happened with a customer, about a deal or not."
  column "id" {
    null = false
    type = bigint
    identity {
      generated = BY_DEFAULT
    }
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "customer_id" {
    null = false
    type = uuid
  }
  column "deal_id" {
    null = true
    type = uuid
  }
  column "kind" {
    null = false
    type = enum.activity_kind
  }
  column "summary" {
    null = false
    type = text
  }
  column "happened_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "activities_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "activities_customer_id_fkey" {
    columns     = [column.organization_id, column.customer_id]
    ref_columns = [table.customers.column.organization_id, table.customers.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "activities_deal_id_fkey" {
    columns     = [column.organization_id, column.deal_id]
    ref_columns = [table.deals.column.organization_id, table.deals.column.id]
    on_update   = NO_ACTION
    on_delete   = SET_NULL
  }
  index "activities_customer_id_happened_at_idx" {
    on {
      column = column.customer_id
    }
    on {
      desc   = true
      column = column.happened_at
    }
  }
  check "activities_summary_min_length" {
    expr = "char_length(\"summary\") >= 1"
  }
  check "activities_summary_max_length" {
    expr = "char_length(\"summary\") <= 2000"
  }
}
table "tags" {
  schema  = schema.public
  comment = "A label customers can carry, such as vip or churn-risk."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "name" {
    null = false
    type = character_varying(64)
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "tags_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  index "tags_organization_id_name_key" {
    unique  = true
    columns = [column.organization_id, column.name]
  }
  check "tags_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  unique "tags_organization_id_id_key" {
    columns = [column.organization_id, column.id]
  }
}
table "customer_tags" {
  schema  = schema.public
  comment = "Which customer carries which tag."
  column "organization_id" {
    null = false
    type = uuid
  }
  column "customer_id" {
    null = false
    type = uuid
  }
  column "tag_id" {
    null = false
    type = uuid
  }
  primary_key {
    columns = [column.customer_id, column.tag_id]
  }
  foreign_key "customer_tags_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "customer_tags_customer_id_fkey" {
    columns     = [column.organization_id, column.customer_id]
    ref_columns = [table.customers.column.organization_id, table.customers.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "customer_tags_tag_id_fkey" {
    columns     = [column.organization_id, column.tag_id]
    ref_columns = [table.tags.column.organization_id, table.tags.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
}
table "cpcgen_audit_log" {
  schema  = schema.public
  comment = "One row per row changed in a table with audit: true, written by its trigger; a hash chain per tenant."
  column "id" {
    null = false
    type = bigint
    identity {
      generated = BY_DEFAULT
    }
  }
  column "table_name" {
    null    = false
    type    = text
    comment = "The table the row belongs to."
  }
  column "row_key" {
    null    = false
    type    = jsonb
    comment = "The row's primary key, as a JSON object of its columns."
  }
  column "action" {
    null    = false
    type    = text
    comment = "What happened to the row."
  }
  column "actor" {
    null    = true
    type    = text
    comment = "Who acted, as the application says: runtime.WithActor, NULL when not given."
  }
  column "old" {
    null    = true
    type    = jsonb
    comment = "The row before the change, sensitive values as keyed hashes; NULL for a new row."
  }
  column "new" {
    null    = true
    type    = jsonb
    comment = "The row after the change, sensitive values as keyed hashes; NULL for a deleted row."
  }
  column "at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
    comment = "The time of the change's transaction."
  }
  column "txid" {
    null    = false
    type    = bigint
    default = sql("txid_current()")
    comment = "The change's transaction."
  }
  column "tenant" {
    null    = true
    type    = text
    comment = "The row's tenant (its tenant column as text); NULL for a table without tenant:."
  }
  column "seq" {
    null    = true
    type    = bigint
    comment = "The row's place in its tenant's hash chain, from 1."
  }
  column "hash" {
    null    = true
    type    = bytea
    comment = "SHA-256 of the previous row's hash and this row's payload (cpcgen_audit_hash)."
  }
  primary_key {
    columns = [column.id]
  }
  index "cpcgen_audit_log_table_name_row_key_id_idx" {
    columns = [column.table_name, column.row_key, column.id]
  }
  index "cpcgen_audit_log_tenant_seq_key" {
    unique  = true
    columns = [column.tenant, column.seq]
  }
  check "cpcgen_audit_log_action_check" {
    expr = "\"action\" IN ('create', 'update', 'delete', 'restore', 'upsert', 'hard_delete')"
  }
}
table "cpcgen_audit_head" {
  schema  = schema.public
  comment = "The last place and hash of each tenant's chain of audit rows ('' for the rows without a tenant)."
  column "tenant" {
    null = false
    type = text
  }
  column "seq" {
    null = false
    type = bigint
  }
  column "hash" {
    null = false
    type = bytea
  }
  primary_key {
    columns = [column.tenant]
  }
}
table "cpcgen_audit_key" {
  schema  = schema.public
  comment = "The key of the HMAC-SHA256 of sensitive values in audit rows, as its inner and outer padded keys. Grant nothing on it."
  column "id" {
    null    = false
    type    = boolean
    default = sql("true")
  }
  column "inner_key" {
    null = false
    type = bytea
  }
  column "outer_key" {
    null = false
    type = bytea
  }
  primary_key {
    columns = [column.id]
  }
  check "cpcgen_audit_key_id_check" {
    expr = "\"id\""
  }
}
table "cpcgen_tenant_keys" {
  schema  = schema.public
  comment = "The tenant keys tenant tokens may be signed with (cpcgen tenant-key add); only the owner may read it."
  column "id" {
    null    = false
    type    = text
    comment = "The key's id (runtime.TenantKey.ID), which tokens carry."
  }
  column "inner_key" {
    null    = false
    type    = bytea
    comment = "The key XOR HMAC's inner pad (runtime.TenantKey.Pads)."
  }
  column "outer_key" {
    null    = false
    type    = bytea
    comment = "The key XOR HMAC's outer pad."
  }
  column "added_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
    comment = "When the key was added."
  }
  primary_key {
    columns = [column.id]
  }
}
enum "deal_stage" {
  schema = schema.public
  values = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
}
enum "activity_kind" {
  schema = schema.public
  values = ["call", "email", "meeting", "note"]
}
schema "public" {
}
