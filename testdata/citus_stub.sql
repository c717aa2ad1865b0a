-- A stand-in for the Citus functions cpcgen emits, for tests on plain
-- PostgreSQL (Citus cannot be installed here). Each call is recorded in
-- citus_stub.calls, after the checks Citus makes that a schema can get wrong:
-- the table and column exist; every unique index and the primary key of a
-- distributed table hold the distribution column; every foreign key of a
-- distributed table goes to a reference table or from distribution column
-- to distribution column of a distributed table already made; every
-- foreign key of a reference table goes to a reference table already
-- made; no table that is still distributed references a table being
-- undistributed. It proves the statements' syntax, order and consistency, not
-- Citus's behaviour.
CREATE SCHEMA citus_stub;

CREATE TABLE citus_stub.calls (
  seq  serial PRIMARY KEY,
  fn   text NOT NULL,
  tbl  text NOT NULL,
  col  text
);

CREATE FUNCTION citus_stub.kind(t regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN fn = 'create_reference_table' THEN 'reference' ELSE 'distributed' END
  FROM citus_stub.calls WHERE tbl = t::text AND fn IN ('create_reference_table', 'create_distributed_table', 'alter_distributed_table')
  AND NOT EXISTS (SELECT 1 FROM citus_stub.calls u WHERE u.tbl = t::text AND u.fn = 'undistribute_table' AND u.seq > calls.seq)
  ORDER BY seq DESC LIMIT 1
$$;

CREATE FUNCTION citus_stub.column(t regclass) RETURNS text LANGUAGE sql AS $$
  SELECT col FROM citus_stub.calls WHERE tbl = t::text AND fn IN ('create_distributed_table', 'alter_distributed_table')
  ORDER BY seq DESC LIMIT 1
$$;

CREATE FUNCTION citus_stub.check(t regclass, dist text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF dist IS NOT NULL THEN
    PERFORM 1 FROM pg_attribute WHERE attrelid = t AND attname = dist AND attnum > 0 AND NOT attisdropped;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'citus stub: column "%" of % does not exist', dist, t;
    END IF;
    FOR r IN SELECT i.indexrelid::regclass AS idx FROM pg_index i
      WHERE i.indrelid = t AND i.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t AND a.attname = dist AND a.attnum = ANY(i.indkey))
    LOOP
      RAISE EXCEPTION 'citus stub: unique index % of % lacks the distribution column %', r.idx, t, dist;
    END LOOP;
  END IF;
  FOR r IN SELECT c.conname, c.confrelid::regclass AS parent,
      (SELECT array_agg(a.attname ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)) AS cols,
      (SELECT array_agg(a.attname ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attnum = ANY(c.confkey)) AS refcols
    FROM pg_constraint c WHERE c.conrelid = t AND c.contype = 'f' AND c.confrelid <> t
  LOOP
    IF citus_stub.kind(r.parent) = 'reference' THEN
      CONTINUE;
    END IF;
    IF dist IS NULL THEN
      RAISE EXCEPTION 'citus stub: foreign key % of reference table % goes to %, which is not a reference table', r.conname, t, r.parent;
    END IF;
    IF citus_stub.kind(r.parent) IS DISTINCT FROM 'distributed' THEN
      RAISE EXCEPTION 'citus stub: foreign key % of % goes to %, which is not distributed yet', r.conname, t, r.parent;
    END IF;
    IF NOT (dist = ANY(r.cols)) OR NOT (citus_stub.column(r.parent) = ANY(r.refcols)) THEN
      RAISE EXCEPTION 'citus stub: foreign key % of % to % does not join the distribution columns', r.conname, t, r.parent;
    END IF;
  END LOOP;
END $$;

CREATE FUNCTION create_distributed_table(table_name regclass, distribution_column text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM citus_stub.check(table_name, distribution_column);
  INSERT INTO citus_stub.calls (fn, tbl, col) VALUES ('create_distributed_table', table_name::text, distribution_column);
END $$;

CREATE FUNCTION create_reference_table(table_name regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM citus_stub.check(table_name, NULL);
  INSERT INTO citus_stub.calls (fn, tbl) VALUES ('create_reference_table', table_name::text);
END $$;

CREATE FUNCTION alter_distributed_table(table_name regclass, distribution_column text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF citus_stub.kind(table_name) IS DISTINCT FROM 'distributed' THEN
    RAISE EXCEPTION 'citus stub: % is not a distributed table', table_name;
  END IF;
  PERFORM citus_stub.check(table_name, distribution_column);
  INSERT INTO citus_stub.calls (fn, tbl, col) VALUES ('alter_distributed_table', table_name::text, distribution_column);
END $$;

CREATE FUNCTION undistribute_table(table_name regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF citus_stub.kind(table_name) IS NULL THEN
    RAISE EXCEPTION 'citus stub: % is not distributed', table_name;
  END IF;
  FOR r IN SELECT c.conname, c.conrelid::regclass AS child FROM pg_constraint c
    WHERE c.confrelid = table_name AND c.conrelid <> table_name AND c.contype = 'f'
  LOOP
    IF citus_stub.kind(r.child) IS NOT NULL THEN
      RAISE EXCEPTION 'citus stub: % is still referenced by % of %, which is distributed', table_name, r.conname, r.child;
    END IF;
  END LOOP;
  INSERT INTO citus_stub.calls (fn, tbl) VALUES ('undistribute_table', table_name::text);
END $$;
