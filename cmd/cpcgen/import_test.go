package main

import (
	"bytes"
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/internal/importer"
	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// loadDDL applies DDL to a fresh database and returns its URL.
func loadDDL(t *testing.T, name, ddl string) string {
	t.Helper()
	url := pgtest.URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := importer.ApplyDDL(ctx, conn, name, ddl); err != nil {
		t.Fatal(err)
	}
	return url
}

// schemaDump is pg_dump --schema-only of the database at url without
// cpcgen's revisions tables, its statements sorted: two databases with
// the same objects give the same text whatever order they were made in.
func schemaDump(t *testing.T, url string) string {
	t.Helper()
	pgDump := filepath.Join(pgtest.Current(t).BinDir(), "pg_dump")
	out, err := exec.Command(pgDump, "--schema-only", "--no-owner", "--no-privileges",
		"-T", "cpcgen_migrations*", "--dbname", url).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	return normaliseDump(string(out))
}

var dumpComment = regexp.MustCompile(`(?m)^--.*$`)

// precision6 is the explicit default precision of a time type, which
// import leaves out (see the importer's "precision (6)" finding): the
// original prints timestamp(6), the rebuilt database timestamp.
var precision6 = regexp.MustCompile(`\b(timestamp|time|interval)\(6\)`)

// precision6Null is a NULL default of a column of precision 6, which
// PostgreSQL keeps only for the cast to the precision and import leaves
// out with it.
var precision6Null = regexp.MustCompile(`\b((?:timestamp|time|interval)\(6\)(?: with(?:out)? time zone)?) DEFAULT NULL(?:::[a-z]+(?: [a-z]+)*)?`)

// normaliseDump drops comments, SET lines and psql meta-commands from a
// dump and sorts its statements.
func normaliseDump(s string) string {
	s = dumpComment.ReplaceAllString(s, "")
	s = precision6Null.ReplaceAllString(s, "$1")
	s = precision6.ReplaceAllString(s, "$1")
	var stmts, cur []string
	quote := ""
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, `\`) {
			continue
		}
		cur = append(cur, line)
		for _, m := range regexp.MustCompile(`\$[A-Za-z_]*\$`).FindAllString(line, -1) {
			switch quote {
			case "":
				quote = m
			case m:
				quote = ""
			}
		}
		if quote == "" && strings.HasSuffix(strings.TrimSpace(line), ";") {
			st := strings.TrimSpace(strings.Join(cur, "\n"))
			cur = nil
			if st == "" || strings.HasPrefix(st, "SET ") || strings.HasPrefix(st, "SELECT pg_catalog.set_config") {
				continue
			}
			stmts = append(stmts, st)
		}
	}
	sort.Strings(stmts)
	return strings.Join(stmts, "\n\n")
}

// importProject imports the database at url into a new project
// directory and returns it.
// importerDDL returns the schema file name of the importer's tests
// (internal/importer/testdata).
func importerDDL(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func importProject(t *testing.T, url string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	testfile.Write(t, dir, "go.mod", "module example.com/imported\n\ngo 1.25\n")
	code, out, errOut := cpcgen(t, append([]string{"-C", dir, "import", "--url", url, "--package", "importdb"}, args...)...)
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	return dir
}

func readSpecs(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "schema", "*.yaml"))
	out := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// The header names the database, which differs.
		_, body, _ := strings.Cut(string(data), "\n")
		out[filepath.Base(f)] = body
	}
	return out
}

// TestImportRoundTrip imports each shape of schema, generates, writes the
// first migration, applies it to an empty database and compares
// pg_dump of both, and checks the database with check --url; importing
// the rebuilt database gives the same specs, and migrate down reverts
// the migration.
func TestImportRoundTrip(t *testing.T) {
	cases := map[string]string{}
	for _, name := range []string{"shop.sql", "music.sql", "library.sql", "billing.sql", "extension_functions.sql", "unique_index_keys.sql"} {
		cases[name] = importerDDL(t, name)
	}
	cases["synthetic-200"] = importer.SyntheticDDL(200)
	// Names YAML reads as null or booleans when written bare.
	cases["yaml words"] = `CREATE TYPE "no" AS ENUM ('y', 'n', 'null');
CREATE TABLE "null" (id int PRIMARY KEY, "null" text, "true" "no", "yes" int, UNIQUE ("null", "yes"));
CREATE INDEX "off" ON "null" ("yes", "null");
CREATE TABLE t (id int PRIMARY KEY, n int REFERENCES "null" (id));
CREATE TABLE "on" ("y" int, "n" int, PRIMARY KEY ("y", "n"));
CREATE VIEW "false" AS SELECT "null" FROM "null";`
	// Foreign keys the spec cannot declare as references: a second one
	// on a column (to another table, or the same again).
	cases["foreign keys as sql"] = `CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (id int PRIMARY KEY);
CREATE TABLE x (id int PRIMARY KEY, r int NOT NULL REFERENCES a (id), s int REFERENCES a (id));
ALTER TABLE x ADD CONSTRAINT x_r_b_fkey FOREIGN KEY (r) REFERENCES b (id);
ALTER TABLE x ADD CONSTRAINT x_s_fkey1 FOREIGN KEY (s) REFERENCES a (id) ON DELETE CASCADE;
CREATE TABLE language (code varchar(6) PRIMARY KEY, description text);
CREATE TABLE user_preference (id int PRIMARY KEY, language_code char(6) REFERENCES language (code), x_id bigint REFERENCES x);
CREATE TABLE parent (id int PRIMARY KEY, a int NOT NULL, b text NOT NULL, c int, CONSTRAINT parent_a_b_key UNIQUE (a, b));
CREATE UNIQUE INDEX parent_b_c ON parent USING btree (b, c) INCLUDE (a);
CREATE TABLE child (id int PRIMARY KEY, pa int, pb text, pc int,
  CONSTRAINT child_pa_pb_fkey FOREIGN KEY (pa, pb) REFERENCES parent (a, b),
  CONSTRAINT child_pb_pc_fkey FOREIGN KEY (pb, pc) REFERENCES parent (b, c));`
	// Foreign keys of one column whose ON DELETE SET NULL or SET
	// DEFAULT names the column (PostgreSQL 15), which PostgreSQL keeps
	// and a spec's on_delete cannot say.
	cases["foreign keys setting named columns"] = `CREATE TABLE o (id bigint PRIMARY KEY);
CREATE TABLE e (id int PRIMARY KEY, owner_id bigint REFERENCES o ON DELETE SET NULL (owner_id),
  other_id bigint DEFAULT 0 REFERENCES o ON UPDATE CASCADE ON DELETE SET DEFAULT (other_id), third_id bigint REFERENCES o ON DELETE SET NULL);`
	// A unique constraint on a column that is the primary key by itself
	// (Concourse's workers), which specs do not declare again: an sql
	// object; a foreign key to the column is a reference to the key.
	cases["unique primary key"] = `CREATE TABLE workers (name text PRIMARY KEY, addr text);
ALTER TABLE workers ADD CONSTRAINT constraint_workers_name_unique UNIQUE (name);
CREATE TABLE jobs (id int PRIMARY KEY, worker text REFERENCES workers);`
	// A table kept as SQL (a column of an array of a domain over an
	// array) whose check and primary key, made in its CREATE TABLE,
	// have comments.
	cases["comments on constraints of sql tables"] = `CREATE DOMAIN rgb AS int[] CHECK (array_length(VALUE, 1) = 3);
CREATE TABLE swatches (id int PRIMARY KEY, c rgb[], CONSTRAINT swatches_c_check CHECK (cardinality(c) > 0));
COMMENT ON CONSTRAINT swatches_c_check ON swatches IS 'not empty';
COMMENT ON CONSTRAINT swatches_pkey ON swatches IS 'the key';`
	// Constraint names that are not plain SQL names (Keycloak's).
	cases["constraint names"] = `CREATE TABLE realm (id varchar(36) NOT NULL, name text, CONSTRAINT "CONSTRAINT_4A" PRIMARY KEY (id));
CREATE TABLE realm_attribute (name varchar(255) NOT NULL, realm_id varchar(36) NOT NULL, value varchar(255),
  CONSTRAINT "CONSTRAINT_9-2" PRIMARY KEY (name, realm_id), CONSTRAINT "CHK value" CHECK (value <> ''));
CREATE TABLE user_entity (id varchar(36) PRIMARY KEY, realm_id varchar(36) NOT NULL, email varchar(255),
  CONSTRAINT "UK-EMAIL" UNIQUE (email), CONSTRAINT "FK-REALM" FOREIGN KEY (realm_id) REFERENCES realm (id));`
	// A foreign key and a check with the name of a unique index of their
	// table (sanbase2's, whose Ecto names were cut to 63 bytes), which
	// PostgreSQL allows and a spec does not (each name is one
	// sentinel's): sql objects. A plain index may share a name too.
	cases["constraint named like a unique index"] = `CREATE TABLE p (id bigserial PRIMARY KEY);
CREATE TABLE c (id bigserial PRIMARY KEY, p_id bigint, l_id bigint, n int);
CREATE UNIQUE INDEX c_same ON c (p_id, l_id);
ALTER TABLE c ADD CONSTRAINT c_same FOREIGN KEY (p_id) REFERENCES p (id);
CREATE UNIQUE INDEX c_chk ON c (n, l_id);
ALTER TABLE c ADD CONSTRAINT c_chk CHECK (n > 0);
CREATE INDEX c_plain ON c (l_id);
ALTER TABLE c ADD CONSTRAINT c_plain FOREIGN KEY (l_id) REFERENCES p (id);`
	// Descending identities of tables kept as SQL (a column of an
	// array of a domain over an array), made by CREATE TABLE, where
	// PostgreSQL's default bounds are the type's least value and -1: a
	// minimum of 1 is not the default; and of a spec table.
	cases["descending identities"] = `CREATE DOMAIN pair AS int[] CHECK (cardinality(VALUE) = 2);
CREATE TABLE h (id smallint GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY -1 MINVALUE 1 MAXVALUE 100 CYCLE) PRIMARY KEY,
  n int GENERATED ALWAYS AS IDENTITY (INCREMENT BY -1), p pair[]);
CREATE TABLE s (id smallint GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY -1 MINVALUE 1 MAXVALUE 100) PRIMARY KEY,
  n int GENERATED ALWAYS AS IDENTITY (INCREMENT BY -1));`
	// Objects created before the tables that need each other: domains
	// over a domain (declared before it in name order) and over a
	// composite type, a composite type of domains, a domain whose check
	// calls a function of the schema, enums a domain or a type uses.
	cases["early objects"] = `CREATE TYPE base_content AS (body text, img_url text);
CREATE DOMAIN content AS base_content NOT NULL;
CREATE DOMAIN a_content AS content;
CREATE FUNCTION is_even(i int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'select $1 % 2 = 0';
CREATE DOMAIN even_int AS int CHECK (is_even(VALUE));
CREATE DOMAIN b_evens AS even_int[];
CREATE TYPE a_pair AS (c content, e b_evens);
CREATE TABLE posts (id int PRIMARY KEY, c content, e even_int, p a_pair);
CREATE TYPE _node_type AS ENUM ('TEXT', 'MENTION');
CREATE DOMAIN node_type AS _node_type NOT NULL;
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE a_line AS (t node_type, m mood, text text);
CREATE TABLE lines (id int PRIMARY KEY, m mood, l a_line);`
	// Range types (with the constructor functions and multirange type
	// they make) and collations of types.
	cases["ranges"] = `CREATE TYPE name_pair AS (first text COLLATE "C", last text);
CREATE TYPE textrange_c AS RANGE (subtype = text, collation = "C");
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TABLE booking (id int PRIMARY KEY, during floatrange, names textrange_c);`
	// Columns of types cpcgen does not model, named by their SQL: a
	// composite type (and a generated column reading a field of it), a
	// domain over point, PostgreSQL's point, box, xml, timetz, tsquery,
	// money and pg_lsn, an array of point; a GiST index over one in the
	// spec; a unique index and a unique constraint over one kept as SQL;
	// a table keyed by one kept as SQL.
	cases["types named by their SQL"] = `CREATE TYPE semver AS (major int, minor int, patch int);
CREATE TYPE "Address" AS (street text, city text);
CREATE DOMAIN east_point AS point CHECK (VALUE[0] >= 0);
CREATE TABLE shapes (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  spot point NOT NULL,
  area box,
  doc xml,
  opens time(3) with time zone DEFAULT '09:00:00+01',
  version semver,
  q tsquery,
  amount money DEFAULT 0 NOT NULL,
  home east_point,
  lsn pg_lsn,
  version_major int GENERATED ALWAYS AS ((version).major) STORED,
  ship_to "Address"
);
CREATE INDEX shapes_spot ON shapes USING gist (spot);
CREATE UNIQUE INDEX shapes_lsn ON shapes (lsn);
ALTER TABLE shapes ADD CONSTRAINT shapes_version_key UNIQUE (version);
CREATE TABLE positions (lsn pg_lsn PRIMARY KEY, n int);
CREATE TABLE paths (id int PRIMARY KEY, pts point[], stops semver[] NOT NULL DEFAULT '{}');`
	// Collations of the schema (ICU, nondeterministic, libc, a name with
	// a space, a comment; MusicBrainz's musicbrainz collation), used by
	// columns, a domain and an index.
	cases["collations"] = `CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
COMMENT ON COLLATION ci IS 'case-insensitive';
CREATE COLLATION "C numeric" (provider = icu, locale = '@colNumeric=yes');
CREATE COLLATION posix_c (provider = libc, lc_collate = 'C', lc_ctype = 'C');
CREATE DOMAIN ci_text AS text COLLATE ci;
CREATE TABLE users (id int PRIMARY KEY, email text COLLATE ci NOT NULL, handle ci_text);
CREATE TABLE tags (id int PRIMARY KEY, name text COLLATE posix_c);
CREATE TABLE labels (id int PRIMARY KEY, name text NOT NULL);
CREATE INDEX labels_name_numeric ON labels (name COLLATE "C numeric");`
	// Settings of tables and columns specs do not declare: REPLICA
	// IDENTITY (FULL, NOTHING, USING INDEX, as logical replication and
	// change data capture want; the index a quoted name kept as SQL),
	// row-level security forced, a column's
	// compression, extended statistics (of columns, with a target; of
	// expressions, with a comment), on declared tables, a table kept as
	// SQL and a partition.
	cases["table settings"] = `CREATE TABLE items (id int PRIMARY KEY, a int, b int, payload text);
ALTER TABLE items REPLICA IDENTITY FULL;
ALTER TABLE items ALTER COLUMN payload SET COMPRESSION pglz;
CREATE STATISTICS items_ab_stats (dependencies, ndistinct) ON a, b FROM items;
ALTER STATISTICS items_ab_stats SET STATISTICS 300;
CREATE STATISTICS items_expr ON (a + b), lower(payload) FROM items;
COMMENT ON STATISTICS items_expr IS 'expression statistics';
CREATE TABLE codes (id int PRIMARY KEY, code text NOT NULL);
CREATE UNIQUE INDEX "codes ""code""" ON codes (code) INCLUDE (id);
ALTER TABLE codes REPLICA IDENTITY USING INDEX "codes ""code""";
CREATE TABLE ticks (id int PRIMARY KEY);
ALTER TABLE ticks REPLICA IDENTITY NOTHING;
ALTER TABLE ticks ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticks FORCE ROW LEVEL SECURITY;
CREATE TABLE forced (id int PRIMARY KEY);
ALTER TABLE forced FORCE ROW LEVEL SECURITY;
CREATE TABLE "odd table" (id int PRIMARY KEY, note text);
ALTER TABLE "odd table" REPLICA IDENTITY FULL;
ALTER TABLE "odd table" FORCE ROW LEVEL SECURITY;
CREATE TABLE events (id int NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE events_2025 REPLICA IDENTITY FULL;`
	// Comments on the constraints of a domain, on policies and on rules,
	// besides those on tables' constraints, triggers, sequences, views
	// and indexes.
	cases["comments"] = `CREATE DOMAIN positive AS int CONSTRAINT positive_check CHECK (VALUE > 0) CONSTRAINT below_max CHECK (VALUE < 1000);
COMMENT ON CONSTRAINT positive_check ON DOMAIN positive IS 'more than nothing';
CREATE TABLE p (id int PRIMARY KEY, n positive CONSTRAINT n_small CHECK (n < 100), code text UNIQUE);
COMMENT ON CONSTRAINT n_small ON p IS 'small';
COMMENT ON CONSTRAINT p_pkey ON p IS 'the key';
CREATE POLICY p_read ON p FOR SELECT USING (n > 1);
COMMENT ON POLICY p_read ON p IS 'it''s the readers''';
CREATE RULE p_keep AS ON DELETE TO p DO INSTEAD NOTHING;
COMMENT ON RULE p_keep ON p IS 'rows stay';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER p_touch BEFORE UPDATE ON p FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TRIGGER p_touch ON p IS 'touches';
CREATE SEQUENCE counter;
COMMENT ON SEQUENCE counter IS 'counts';
CREATE INDEX p_n_idx ON p (n);
COMMENT ON INDEX p_n_idx IS 'by n';`
	// Casts of the schema's types: through a function of the schema (as
	// an assignment, with a comment), through text (an enum's), and one
	// from a built-in type through a function before the tables.
	cases["casts"] = `CREATE TYPE pair AS (a int, b int);
CREATE FUNCTION pair_to_text(pair) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT $1.a || ',' || $1.b $$;
CREATE CAST (pair AS text) WITH FUNCTION pair_to_text(pair) AS ASSIGNMENT;
COMMENT ON CAST (pair AS text) IS 'a,b';
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE CAST (mood AS integer) WITH INOUT;
CREATE FUNCTION int_pair(int) RETURNS pair LANGUAGE sql IMMUTABLE AS $$ SELECT ROW($1, $1)::pair $$;
CREATE CAST (integer AS pair) WITH FUNCTION int_pair(int) AS IMPLICIT;
CREATE TABLE moods (id int PRIMARY KEY, m mood, p pair);`
	// Operators of the schema (Danbooru's ~<<): a commutator and negator
	// pair with estimators and a comment, one used by a check and a prefix
	// one by an index (created before the tables with their functions),
	// and one whose function reads a table (created after the tables).
	cases["operators"] = `CREATE FUNCTION approx_eq(a numeric, b numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select abs(a - b) < 0.01';
CREATE FUNCTION approx_ne(a numeric, b numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select abs(a - b) >= 0.01';
CREATE OPERATOR ~= (FUNCTION = approx_eq, LEFTARG = numeric, RIGHTARG = numeric, COMMUTATOR = ~=, NEGATOR = !~=, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR !~= (FUNCTION = approx_ne, LEFTARG = numeric, RIGHTARG = numeric, COMMUTATOR = !~=, NEGATOR = ~=);
COMMENT ON OPERATOR ~= (numeric, numeric) IS 'equal to the cent';
CREATE FUNCTION rev(t text) RETURNS text LANGUAGE sql IMMUTABLE AS 'select reverse(t)';
CREATE OPERATOR @@@ (FUNCTION = rev, RIGHTARG = text);
CREATE TABLE prices (id int PRIMARY KEY, listed numeric(10,2) NOT NULL, paid numeric(10,2) NOT NULL, code text,
  CONSTRAINT prices_paid_check CHECK (paid ~= listed OR paid < listed));
CREATE INDEX prices_code_rev ON prices ((@@@ code));
CREATE FUNCTION above_max(a int, b int) RETURNS boolean LANGUAGE sql STABLE AS 'select a > (select max(id) from prices) + b';
CREATE OPERATOR >>> (FUNCTION = above_max, LEFTARG = int, RIGHTARG = int);`
	// Text search dictionaries and configurations of the schema (as
	// MusicBrainz's mb_simple), one copied from simple and remapped to an
	// extension's dictionary, used by a LANGUAGE sql function, which
	// PostgreSQL checks when it creates it, and by a generated column.
	cases["text search configurations"] = `CREATE EXTENSION unaccent;
CREATE TEXT SEARCH DICTIONARY english_stem_nostop (TEMPLATE = snowball, language = 'english');
COMMENT ON TEXT SEARCH DICTIONARY english_stem_nostop IS 'no stop words';
CREATE TEXT SEARCH CONFIGURATION mb_simple (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION mb_simple ALTER MAPPING FOR word, numword, hword, numhword, hword_part, hword_numpart WITH unaccent, simple;
CREATE TEXT SEARCH CONFIGURATION "English plain" (PARSER = default);
ALTER TEXT SEARCH CONFIGURATION "English plain" ADD MAPPING FOR asciiword, word WITH english_stem_nostop;
COMMENT ON TEXT SEARCH CONFIGURATION "English plain" IS 'English without stop words';
CREATE FUNCTION mb_simple_tsvector(input text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$ SELECT to_tsvector('mb_simple', input) $$;
CREATE TABLE docs (id int PRIMARY KEY, body text NOT NULL,
  search tsvector GENERATED ALWAYS AS (to_tsvector('"English plain"'::regconfig, body)) STORED);`
	// Comments on the columns of views and composite types.
	cases["column comments"] = `CREATE TYPE applications AS (id int, name text);
COMMENT ON TYPE applications IS 'an application';
COMMENT ON COLUMN applications.id IS '@notNull';
CREATE TABLE streets (id int PRIMARY KEY, name text NOT NULL);
CREATE VIEW houses AS SELECT id AS street_id, name AS street_name FROM streets;
COMMENT ON VIEW houses IS 'houses';
COMMENT ON COLUMN houses.street_name IS '@notNull';
CREATE MATERIALIZED VIEW "Street names" AS SELECT name FROM streets;
COMMENT ON COLUMN "Street names".name IS 'a name';`
	// Tables clustered on an index: a spec index, and an index kept as
	// an sql object of a table kept as SQL.
	cases["cluster on"] = `CREATE TABLE person (person_id integer NOT NULL, year_of_birth integer NOT NULL);
CREATE INDEX idx_person_id ON person (person_id ASC);
CLUSTER person USING idx_person_id;
CREATE TABLE "Visit" (id int PRIMARY KEY, person_id int, at date);
CREATE INDEX visit_person ON "Visit" (person_id) INCLUDE (at);
ALTER TABLE "Visit" CLUSTER ON visit_person;`
	// Primary keys with INCLUDE columns (named as PostgreSQL does,
	// otherwise, not a plain name with a comment; of two columns), and
	// foreign keys referencing them or a unique constraint with INCLUDE.
	cases["primary key include"] = `CREATE TABLE item (id int, name text, CONSTRAINT item_pkey PRIMARY KEY (id) INCLUDE (name));
CREATE TABLE note (id int, body text, CONSTRAINT note_pk PRIMARY KEY (id) INCLUDE (body));
CREATE TABLE tag (id int, label text, CONSTRAINT "tag key" PRIMARY KEY (id) INCLUDE (label));
COMMENT ON CONSTRAINT "tag key" ON tag IS 'a key';
CREATE TABLE item_tag (item_id int NOT NULL REFERENCES item (id), tag_id int NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
  PRIMARY KEY (item_id, tag_id) INCLUDE (item_id));
CREATE TABLE code (id int PRIMARY KEY, code text, CONSTRAINT code_code_key UNIQUE (code) INCLUDE (id));
CREATE TABLE a_use (id int PRIMARY KEY, c text REFERENCES code (code), n int REFERENCES note (id));`
	// Indexes of partitions attached to their parent's under names of
	// their own (made on the partition first, then attached), beside
	// PostgreSQL's: of a declared partition, of one kept as SQL, of a
	// partition of a partition, under a long table name PostgreSQL cuts,
	// of an index with expressions and included columns kept as SQL.
	cases["partition index names"] = `CREATE TABLE versions (id bigint NOT NULL, event text NOT NULL, created_at timestamp NOT NULL, item_id int, whodunnit text)
  PARTITION BY RANGE (created_at);
CREATE TABLE versions_y2023_m01 PARTITION OF versions FOR VALUES FROM ('2023-01-01') TO ('2023-02-01');
CREATE TABLE versions_y2023_m02_under_a_name_long_enough_for_postgresql_to_cut PARTITION OF versions FOR VALUES FROM ('2023-02-01') TO ('2023-03-01');
CREATE TABLE versions_y2023_m03 PARTITION OF versions FOR VALUES FROM ('2023-03-01') TO ('2023-04-01');
CREATE TABLE versions_rest PARTITION OF versions DEFAULT;
CREATE INDEX versions_rest_own ON versions_rest (whodunnit);
CREATE INDEX index_versions_event ON ONLY versions (event);
CREATE INDEX index_versions_event_1bf0c9a ON versions_y2023_m01 (event);
ALTER INDEX index_versions_event ATTACH PARTITION index_versions_event_1bf0c9a;
CREATE INDEX index_versions_event_2c7d0e1 ON versions_y2023_m02_under_a_name_long_enough_for_postgresql_to_cut (event);
ALTER INDEX index_versions_event ATTACH PARTITION index_versions_event_2c7d0e1;
CREATE INDEX versions_y2023_m03_event_idx ON versions_y2023_m03 (event);
ALTER INDEX index_versions_event ATTACH PARTITION versions_y2023_m03_event_idx;
CREATE INDEX index_versions_event_rest ON versions_rest (event);
ALTER INDEX index_versions_event ATTACH PARTITION index_versions_event_rest;
CREATE INDEX versions_item ON versions (item_id, lower(event), item_id) INCLUDE (whodunnit);
ALTER INDEX versions_y2023_m01_item_id_lower_item_id1_whodunnit_idx RENAME TO versions_m01_item;
ALTER INDEX versions_rest_item_id_lower_item_id1_whodunnit_idx RENAME TO versions_rest_item;
CREATE TABLE "Log" (id int NOT NULL, at date NOT NULL, kind text) PARTITION BY LIST (kind);
CREATE TABLE log_a PARTITION OF "Log" FOR VALUES IN ('a') PARTITION BY RANGE (at);
CREATE TABLE log_a_2024 PARTITION OF log_a FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX log_at ON "Log" (at);
ALTER INDEX log_a_at_idx RENAME TO log_a_at;
ALTER INDEX log_a_2024_at_idx RENAME TO log_a_2024_at;`
	// Sequences named otherwise than PostgreSQL names those it makes:
	// identity sequences that kept their names through a table's
	// rename, or got a number when the name was taken (one freed by
	// another's rename, so the renames must go in order), with options;
	// under a name PostgreSQL cuts; of a table kept as SQL; a serial's
	// sequence renamed with its table.
	cases["sequence names"] = `CREATE TABLE jobs (id bigserial PRIMARY KEY, note text);
ALTER TABLE jobs RENAME TO jobs_legacy;
CREATE TABLE jobs (id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5 CACHE 10), note text);
ALTER TABLE jobs RENAME TO _private_jobs;
CREATE TABLE b (id int GENERATED BY DEFAULT AS IDENTITY, note text);
ALTER TABLE b RENAME TO a;
CREATE TABLE b (id int GENERATED BY DEFAULT AS IDENTITY, note text);
CREATE TABLE a_table_name_long_enough_for_postgresql_to_cut_it_when_naming (a_long_identity_column_name bigint GENERATED BY DEFAULT AS IDENTITY);
ALTER TABLE a_table_name_long_enough_for_postgresql_to_cut_it_when_naming RENAME TO long_named;
CREATE TABLE "Queue" (id int GENERATED BY DEFAULT AS IDENTITY (MINVALUE 10) PRIMARY KEY, n int);
ALTER TABLE "Queue" RENAME TO "Job Queue";
CREATE TABLE "Plain Queue" (id smallint GENERATED ALWAYS AS IDENTITY (INCREMENT BY -1) PRIMARY KEY);`
	// Sequences whose options ALTER SEQUENCE sets on the ascending one
	// migrations make: MINVALUE 0 starting at 0 (the default start of a
	// sequence made so, not of one altered so), of a serial and of an
	// identity; descending (whose MINVALUE must be set too, else 1
	// stays above MAXVALUE), of an identity, of a serial, of a table
	// kept as SQL.
	cases["sequence bounds"] = `CREATE TABLE users (id bigint NOT NULL PRIMARY KEY);
CREATE SEQUENCE users_id_seq START WITH 0 MINVALUE 0;
ALTER SEQUENCE users_id_seq OWNED BY users.id;
ALTER TABLE users ALTER COLUMN id SET DEFAULT nextval('users_id_seq');
CREATE TABLE from_zero (id int GENERATED BY DEFAULT AS IDENTITY (MINVALUE 0) PRIMARY KEY);
CREATE TABLE down (id int GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -1 MAXVALUE -10) PRIMARY KEY);
CREATE TABLE down_serial (id bigint NOT NULL PRIMARY KEY);
CREATE SEQUENCE down_serial_id_seq INCREMENT BY -1;
ALTER SEQUENCE down_serial_id_seq OWNED BY down_serial.id;
ALTER TABLE down_serial ALTER COLUMN id SET DEFAULT nextval('down_serial_id_seq');
CREATE TABLE "odd-name" (id int GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -5 MINVALUE -100 MAXVALUE 0) PRIMARY KEY);`
	// Defaults taking the values of another table's serial sequence,
	// which the migrations make with that table: one under the name
	// PostgreSQL gives it, read by a table named before its owner; one
	// renamed (pg_partman's versions_range_records_id_seq), read by a
	// table and by partitions kept as SQL (with a primary key of their
	// own), which PARTITION OF does not give the default.
	cases["other serial sequences"] = `CREATE TABLE z (id bigserial PRIMARY KEY);
CREATE TABLE b (id bigint PRIMARY KEY DEFAULT nextval('z_id_seq'));
CREATE TABLE versions (id bigserial NOT NULL, at timestamp) PARTITION BY RANGE (at);
ALTER SEQUENCE versions_id_seq RENAME TO versions_range_records_id_seq;
CREATE TABLE versions_template (id bigint PRIMARY KEY DEFAULT nextval('versions_range_records_id_seq'), at timestamp);
CREATE TABLE versions_2023 (id bigint DEFAULT nextval('versions_range_records_id_seq') NOT NULL, at timestamp);
ALTER TABLE versions ATTACH PARTITION versions_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
ALTER TABLE versions_2023 ADD PRIMARY KEY (id);`
	// Defaults calling functions of the schema: functions that can be
	// created before the tables (LANGUAGE sql reading no table, with an
	// argument; plpgsql naming none), whose defaults the spec keeps, and
	// functions reading a table (LANGUAGE sql; plpgsql declaring a
	// variable of a table's row type), whose defaults an sql object sets.
	cases["function defaults"] = `CREATE FUNCTION now_utc_micro_seconds() RETURNS bigint AS
$$ select cast(extract(epoch from now() at time zone 'utc') * 1000000 as bigint) $$ LANGUAGE sql;
CREATE FUNCTION plus_days(d int) RETURNS date LANGUAGE sql STABLE AS 'select current_date + d';
CREATE FUNCTION new_code() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN md5(random()::text); END $$;
CREATE TABLE anon_users (
  id text PRIMARY KEY,
  created_at bigint NOT NULL DEFAULT now_utc_micro_seconds(),
  trial_ends date NOT NULL DEFAULT plus_days(14),
  code text NOT NULL DEFAULT new_code()
);
CREATE TABLE counters (name text PRIMARY KEY, n bigint NOT NULL);
CREATE FUNCTION next_ticket() RETURNS bigint LANGUAGE sql AS $$ UPDATE counters SET n = n + 1 WHERE name = 'ticket' RETURNING n $$;
CREATE FUNCTION last_ticket() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE r counters%ROWTYPE;
BEGIN SELECT * INTO r FROM counters WHERE name = 'ticket'; RETURN r.n; END $$;
CREATE TABLE tickets (id bigint PRIMARY KEY DEFAULT next_ticket(), title text NOT NULL, after bigint DEFAULT last_ticket());`
	// Defaults calling functions of the schema in tables kept as SQL: a
	// partition with an index of its own (Pagila's payment_p2022_01),
	// beside a generated column; a table whose name no spec gives; a
	// table that inherits; one function that can be created before the
	// tables, one that reads a table.
	cases["function defaults of sql tables"] = `CREATE FUNCTION new_code() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
CREATE TABLE counters (name text PRIMARY KEY, n bigint NOT NULL);
CREATE FUNCTION next_ticket() RETURNS bigint LANGUAGE sql AS $$ UPDATE counters SET n = n + 1 WHERE name = 'ticket' RETURNING n $$;
CREATE TABLE payment (id int NOT NULL, at date NOT NULL, amount int NOT NULL, code text NOT NULL DEFAULT new_code(),
  ticket bigint DEFAULT next_ticket(), double int GENERATED ALWAYS AS (amount * 2) STORED) PARTITION BY RANGE (at);
CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX payment_2024_amount ON payment_2024 (amount);
CREATE TABLE "odd-name" (id int PRIMARY KEY, code text DEFAULT new_code(), ticket bigint DEFAULT next_ticket());
CREATE TABLE base (id int, code text DEFAULT new_code());
CREATE TABLE derived (extra text DEFAULT new_code(), ticket bigint DEFAULT next_ticket()) INHERITS (base);`
	// Aggregates over functions of the schema, which must be created
	// before them (first sorts before first_agg), with the options
	// pg_dump writes: PARALLEL, a moving-aggregate implementation,
	// FINALFUNC_EXTRA, SSPACE; a hypothetical-set aggregate.
	cases["aggregates"] = `CREATE FUNCTION first_agg(anyelement, anyelement) RETURNS anyelement
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $_$ SELECT $1 $_$;
CREATE AGGREGATE first(anyelement) (SFUNC = first_agg, STYPE = anyelement, PARALLEL = SAFE);
CREATE FUNCTION agg_fin(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $_$ SELECT $1 $_$;
CREATE AGGREGATE a_sum(integer) (SFUNC = int4pl, STYPE = integer, SSPACE = 8, FINALFUNC = agg_fin, FINALFUNC_EXTRA,
  MSFUNC = int4pl, MINVFUNC = int4mi, MSTYPE = integer, MINITCOND = '0', PARALLEL = RESTRICTED);
CREATE AGGREGATE my_rank(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi, STYPE = internal,
  FINALFUNC = rank_final, FINALFUNC_EXTRA, HYPOTHETICAL);`
	// PL/pgSQL functions declaring variables of a view's row type
	// (ThingsBoard's acknowledge_alarm), which PostgreSQL resolves when
	// it creates the function: in the top block, schema-qualified, with
	// %ROWTYPE and %TYPE, in a nested block.
	cases["plpgsql view variables"] = `CREATE TABLE alarm (id int PRIMARY KEY, acked boolean NOT NULL DEFAULT false);
CREATE VIEW alarm_info AS SELECT id, acked FROM alarm;
CREATE VIEW alarm_ids AS SELECT id FROM alarm;
CREATE VIEW acked_alarms AS SELECT id FROM alarm WHERE acked;
CREATE VIEW open_alarms AS SELECT id FROM alarm WHERE NOT acked;
CREATE FUNCTION acknowledge(a_id int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  result alarm_info;
  r public.alarm_ids%ROWTYPE;
BEGIN
  UPDATE alarm SET acked = true WHERE id = a_id;
  SELECT * INTO result FROM alarm_info WHERE id = a_id;
  DECLARE
    x acked_alarms.id%TYPE;
    y "open_alarms";
  BEGIN
    x := a_id;
  END;
  RETURN row_to_json(result)::text;
END $$;`
	// A domain check added NOT VALID (values already stored need not
	// pass it), which CREATE DOMAIN cannot say, beside a valid one and a
	// comment on it; a column of the domain.
	cases["domain check not valid"] = `CREATE DOMAIN percent AS numeric(5,2) CONSTRAINT percent_min CHECK (VALUE >= 0);
ALTER DOMAIN percent ADD CONSTRAINT percent_max CHECK (VALUE <= 100) NOT VALID;
COMMENT ON CONSTRAINT percent_max ON DOMAIN percent IS 'at most all';
CREATE TABLE scores (id int PRIMARY KEY, pct percent);`
	// Boolean expressions with an AND of its own under an AND (an OR
	// under an OR), which pretty-printing writes without the
	// parentheses (Hatchet's v1_incoming_webhook check): of a check, a
	// domain's check, an index's predicate, a view, beside a BETWEEN.
	cases["nested and"] = `CREATE DOMAIN pair_code AS text CHECK (VALUE <> '' AND (length(VALUE) > 1 AND length(VALUE) < 9));
CREATE TABLE hook (id int PRIMARY KEY, method text NOT NULL, a text, b text, c int, code pair_code,
  CHECK ((method = 'basic' AND (a IS NOT NULL AND b IS NOT NULL)) OR (method = 'key' AND (c > 0 OR (c < -10 OR a IS NULL)))),
  CHECK (c > 0 AND c BETWEEN 1 AND 10));
CREATE INDEX hook_basic ON hook (a) WHERE method = 'basic' AND (b IS NOT NULL AND c IS NULL);
CREATE VIEW basic_hooks AS SELECT id FROM hook WHERE method = 'basic' AND (a IS NOT NULL AND b IS NOT NULL);`
	// Indexes of partitions whose names PostgreSQL cuts to the same
	// base and numbers in the order the parent's indexes were made
	// (Lago's enriched_events_default): made in name order, and made in
	// the other order, so that migrations, which make them in name
	// order, give each the other's name.
	cases["partition index name order"] = `CREATE TABLE enriched_events (organization_id int NOT NULL, external_subscription_id text NOT NULL,
  code text NOT NULL, transaction_id text NOT NULL, "timestamp" timestamp NOT NULL) PARTITION BY RANGE ("timestamp");
CREATE TABLE enriched_events_default PARTITION OF enriched_events DEFAULT;
CREATE INDEX idx_lookup_on_enriched_events ON enriched_events (organization_id, external_subscription_id, code, "timestamp");
CREATE UNIQUE INDEX idx_unique_on_enriched_events ON enriched_events (organization_id, external_subscription_id, transaction_id, "timestamp");
CREATE TABLE enriched_facts (organization_id int NOT NULL, external_subscription_id text NOT NULL,
  code text NOT NULL, transaction_id text NOT NULL, "timestamp" timestamp NOT NULL) PARTITION BY RANGE ("timestamp");
CREATE TABLE enriched_facts_default PARTITION OF enriched_facts DEFAULT;
CREATE UNIQUE INDEX idx_unique_on_enriched_facts ON enriched_facts (organization_id, external_subscription_id, transaction_id, "timestamp");
CREATE INDEX idx_lookup_on_enriched_facts ON enriched_facts (organization_id, external_subscription_id, code, "timestamp");`
	// Intervals restricted to fields, which the spec's interval does not
	// declare: with a precision, with a default, NOT NULL, an array,
	// beside plain intervals.
	cases["interval fields"] = `CREATE TABLE spans (id int PRIMARY KEY,
  dur interval day to second(3),
  ym interval year to month DEFAULT '1 year'::interval NOT NULL,
  h interval hour,
  hs interval hour to second[],
  plain interval,
  p3 interval(3));`
	// Time columns of precision 6 with a NULL default, which PostgreSQL
	// keeps only for the cast to precision 6 (Lago's
	// payment_dispute_lost_at), beside one of another precision.
	cases["null defaults of precision 6"] = `CREATE TABLE payments (id int PRIMARY KEY,
  lost_at timestamp(6) DEFAULT NULL::timestamp without time zone,
  won_at timestamptz(6) DEFAULT NULL,
  took interval(6) DEFAULT NULL::interval,
  seen_at timestamp(3) DEFAULT NULL::timestamp without time zone);`
	// Defaults of views' columns (ALTER VIEW … ALTER COLUMN … SET
	// DEFAULT), which an insert through the view takes: two on a view,
	// beside a column comment, none on another.
	cases["view column defaults"] = `CREATE TABLE t (id int PRIMARY KEY, name text, at timestamptz);
CREATE VIEW v AS SELECT id, name, at FROM t;
ALTER VIEW v ALTER COLUMN name SET DEFAULT 'anon', ALTER COLUMN at SET DEFAULT now();
COMMENT ON COLUMN v.name IS 'who';
CREATE VIEW w AS SELECT id FROM v;`
	// Columns whose storage is not their type's (SET STORAGE), of a
	// domain (which giving the column its domain resets) or not, of a
	// spec table and of a table kept as SQL.
	cases["column storage"] = `CREATE DOMAIN bytea20 AS bytea CONSTRAINT exactly_20_bytes_long CHECK (VALUE IS NULL OR octet_length(VALUE) = 20);
CREATE TABLE host (id bytea20 NOT NULL, raw bytea NOT NULL, zone_id bytea20, note text, CONSTRAINT pk_host PRIMARY KEY (id));
ALTER TABLE host ALTER COLUMN id SET STORAGE PLAIN;
ALTER TABLE host ALTER COLUMN raw SET STORAGE PLAIN;
ALTER TABLE host ALTER COLUMN zone_id SET STORAGE PLAIN;
ALTER TABLE host ALTER COLUMN note SET STORAGE EXTERNAL, ALTER COLUMN note SET STATISTICS 500;
CREATE TABLE "odd-name" (id int PRIMARY KEY, body text);
ALTER TABLE "odd-name" ALTER COLUMN body SET STORAGE MAIN;`
	// Storage options of a table's TOAST table (toast.…), which pg_dump
	// writes with the table's own: beside one of its own, alone, and of
	// a table kept as SQL.
	cases["toast storage options"] = `CREATE TABLE docs (id int PRIMARY KEY, body text) WITH (toast.autovacuum_enabled = false, autovacuum_enabled = true);
CREATE TABLE notes (id int PRIMARY KEY, body text) WITH (toast_tuple_target = 256, toast.vacuum_truncate = false);
CREATE TABLE "odd-name" (id int PRIMARY KEY, body text) WITH (toast.autovacuum_vacuum_scale_factor = 0.05);`
	// Extensions whose comments are not the ones CREATE EXTENSION gives
	// them (an older server's, as in Sourcegraph's pg_dump; none), beside
	// one whose comment is its own.
	cases["extension comments"] = `CREATE EXTENSION pg_trgm;
COMMENT ON EXTENSION pg_trgm IS 'trigram matching';
CREATE EXTENSION hstore;
COMMENT ON EXTENSION hstore IS NULL;
CREATE EXTENSION citext;
CREATE TABLE t (id int PRIMARY KEY, name citext);`
	// bit(n) and bit varying(n) columns, plain, nullable, in an array,
	// as a unique key and in an index's predicate, as River's job table
	// has them.
	cases["bit strings"] = `CREATE TABLE masks (
  id bigserial PRIMARY KEY,
  states bit(8) NOT NULL DEFAULT B'00000000',
  flag bit NOT NULL DEFAULT B'1',
  seen varbit(16) DEFAULT '0101',
  any_bits bit varying,
  history varbit[],
  CONSTRAINT masks_states_key UNIQUE (states)
);
CREATE INDEX masks_seen_idx ON masks (seen) WHERE seen IS NOT NULL AND get_bit(seen, 0) = 1;`
	// Primary keys and unique constraints whose indexes have storage
	// options (pg_dump's PRIMARY KEY (id) WITH (fillfactor='70')): of
	// one column and of two, one a foreign key references, one whose
	// name is not a plain SQL name.
	cases["key storage options"] = `CREATE TABLE t (id int, code text, a int, b int, CONSTRAINT t_pkey PRIMARY KEY (id) WITH (fillfactor=70));
ALTER TABLE t ADD CONSTRAINT t_code_key UNIQUE (code) WITH (fillfactor=80, deduplicate_items=off);
ALTER TABLE t ADD CONSTRAINT t_a_b_key UNIQUE (a, b) WITH (fillfactor=90);
CREATE TABLE u (id int, CONSTRAINT "u pkey" PRIMARY KEY (id) WITH (fillfactor=60));
CREATE TABLE r (id int PRIMARY KEY, t_id int REFERENCES t);`
	// A partition made as Hatchet makes them: CREATE TABLE … (LIKE
	// parent INCLUDING INDEXES), without the parent's defaults, then
	// attached; PARTITION OF would give it the parent's defaults.
	cases["partition without defaults"] = `CREATE TABLE runs (
  id bigint GENERATED ALWAYS AS IDENTITY,
  inserted_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  retry_count integer NOT NULL DEFAULT 0,
  PRIMARY KEY (id, inserted_at)
) PARTITION BY RANGE (inserted_at);
CREATE TABLE runs_20261206 PARTITION OF runs FOR VALUES FROM ('2026-12-06') TO ('2026-12-07');
CREATE TABLE runs_20261207 (LIKE runs INCLUDING INDEXES);
ALTER TABLE runs ATTACH PARTITION runs_20261207 FOR VALUES FROM ('2026-12-07') TO ('2026-12-08');
ALTER TABLE runs_20261207 ALTER COLUMN retry_count SET DEFAULT 1;`
	// Partitions made as tables of their own whose columns are in
	// another order than the parent's, then attached (pg_dump shows
	// the order): one with a default of its own, one partitioned again;
	// the parent has a check and a generated column they inherit.
	cases["partition column order"] = `CREATE TABLE m (
  city int NOT NULL, day date NOT NULL, temp int DEFAULT 0, twice int GENERATED ALWAYS AS (temp * 2) STORED, note text,
  CONSTRAINT m_temp_check CHECK (temp > -100), PRIMARY KEY (city, day)
) PARTITION BY RANGE (day);
CREATE TABLE m_2025 (note text, twice int GENERATED ALWAYS AS (temp * 2) STORED, temp int DEFAULT 5, day date NOT NULL, city int NOT NULL,
  CONSTRAINT m_temp_check CHECK (temp > -100));
ALTER TABLE m ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX m_2025_note ON m_2025 (note);
CREATE TABLE m_2026 (day date NOT NULL, city int NOT NULL, temp int DEFAULT 0, twice int GENERATED ALWAYS AS (temp * 2) STORED, note text,
  CONSTRAINT m_temp_check CHECK (temp > -100)) PARTITION BY HASH (city);
ALTER TABLE m ATTACH PARTITION m_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE m_2026_0 PARTITION OF m_2026 FOR VALUES WITH (modulus 2, remainder 0);
CREATE TABLE m_2026_1 (city int NOT NULL, note text, day date NOT NULL, temp int DEFAULT 0, twice int GENERATED ALWAYS AS (temp * 2) STORED,
  CONSTRAINT m_temp_check CHECK (temp > -100));
ALTER TABLE m_2026 ATTACH PARTITION m_2026_1 FOR VALUES WITH (modulus 2, remainder 1);
CREATE TABLE r (id int PRIMARY KEY, city int, day date, FOREIGN KEY (city, day) REFERENCES m);`
	// Tables without columns, which PostgreSQL allows and no spec table
	// declares: made so, and left so by dropping every column; one with
	// a comment, one a view reads.
	cases["tables without columns"] = `CREATE TABLE marker ();
COMMENT ON TABLE marker IS 'present once set up';
CREATE TABLE emptied (a int, b text);
ALTER TABLE emptied DROP COLUMN a, DROP COLUMN b;
CREATE VIEW marker_count AS SELECT count(*) AS n FROM marker;
CREATE TABLE kept (id int PRIMARY KEY);`
	// Typed tables (CREATE TABLE … OF type), which specs do not declare:
	// one with a column's options, a key a spec table's foreign key
	// references and a column comment, one with none.
	cases["typed tables"] = `CREATE TYPE person AS (name text, age integer, nick text);
CREATE TABLE people OF person (name WITH OPTIONS NOT NULL, age WITH OPTIONS DEFAULT 18, PRIMARY KEY (name));
COMMENT ON COLUMN people.nick IS 'what friends say';
CREATE TABLE people_copy OF person;
CREATE TABLE pets (id int PRIMARY KEY, owner text REFERENCES people);`
	// BRIN indexes whose boolean storage parameter autosummarize is
	// spelled as PostgreSQL keeps it when written on, off or yes, which
	// the Atlas inspector (check --url) reads with strconv.ParseBool.
	cases["brin autosummarize spellings"] = `CREATE TABLE ev (id int PRIMARY KEY, at timestamptz, n int);
CREATE INDEX ev_at_brin ON ev USING brin (at) WITH (pages_per_range=16, autosummarize=on);
CREATE INDEX ev_n_brin ON ev USING brin (n) WITH (autosummarize='Yes');
CREATE INDEX ev_id_brin ON ev USING brin (id) WITH (autosummarize=off, pages_per_range=8);`
	// The imported projects' own tests, run against the original
	// database.
	importedTests := map[string]string{"library.sql": importedTest, "function defaults": defaultsTest, "types named by their SQL": sqlNamedTest}
	for name, ddl := range cases {
		t.Run(name, func(t *testing.T) {
			// Each case has databases and a project of its own; run
			// side by side, they wait on the server less.
			t.Parallel()
			orig := loadDDL(t, name, ddl)
			dir := importProject(t, orig)
			if name == "library.sql" {
				addLibraryQueries(t, dir)
			}
			for _, args := range [][]string{{"generate"}, {"migrate", "diff", "baseline"}} {
				if code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...); code != exitOK {
					t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
				}
			}
			if src := importedTests[name]; src != "" {
				// The generated code builds, and works on the original
				// database.
				buildImported(t, dir)
				runImportedTest(t, dir, orig, src)
			}
			rebuilt := pgtest.URL(t)
			if code, out, errOut := cpcgen(t, "-C", dir, "migrate", "apply", "--url", rebuilt); code != exitOK {
				t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
			}
			if a, b := schemaDump(t, orig), schemaDump(t, rebuilt); a != b {
				t.Errorf("pg_dump of the rebuilt database differs from the original:\n%s", lineDiff(a, b))
			}
			if code, out, errOut := cpcgen(t, "-C", dir, "check", "--url", rebuilt); code != exitOK {
				t.Errorf("check --url: exit %d\n%s%s", code, out, errOut)
			}
			again := importProject(t, rebuilt)
			if name == "library.sql" {
				addLibraryQueries(t, again)
			}
			if a, b := readSpecs(t, dir), readSpecs(t, again); !maps.Equal(a, b) {
				t.Errorf("importing the rebuilt database gives other specs")
			}
			if code, out, errOut := cpcgen(t, "-C", dir, "migrate", "down", "--url", rebuilt); code != exitOK {
				t.Errorf("down: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestImportUncheckedFunctionBody imports, from a DDL file as pg_dump
// writes one, a function whose body PostgreSQL's check refuses (created
// with check_function_bodies off): import says so, and its migration
// creates it the same way, where it would otherwise stop at it.
func TestImportUncheckedFunctionBody(t *testing.T) {
	dir := t.TempDir()
	testfile.Write(t, dir, "go.mod", "module example.com/imported\n\ngo 1.25\n")
	testfile.Write(t, dir, "structure.sql", `SET check_function_bodies = false;
CREATE TABLE loan (id bigint PRIMARY KEY, returned date);
CREATE FUNCTION stale_report() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE loan WHERE returned IS NULL;
END
$$;
CREATE FUNCTION fine() RETURNS int LANGUAGE sql AS 'SELECT 1';
`)
	code, out, errOut := cpcgen(t, "-C", dir, "import", "--sql", filepath.Join(dir, "structure.sql"), "--package", "importdb", "--dev-url", pgtest.Current(t).AdminURL())
	if code != exitOK || !strings.Contains(out, `function stale_report: changed: its body does not pass PostgreSQL's check (syntax error at or near "WHERE")`) || strings.Contains(out, "function fine: changed") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"generate"}, {"migrate", "diff", "baseline"}, {"migrate", "apply", "--url", pgtest.URL(t)}} {
		if code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
}

// TestImportSQLFiles: DDL files follow one --sql each, or all after one --sql
// (--sql migrations/*.up.sql, as a shell expands it), applied in order;
// files after --sql given twice, or arguments without --sql, are refused
// saying so.
func TestImportSQLFiles(t *testing.T) {
	dir := t.TempDir()
	testfile.Write(t, dir, "go.mod", "module example.com/imported\n\ngo 1.25\n")
	testfile.Write(t, dir, "1.sql", "CREATE TABLE a (id int PRIMARY KEY);\n")
	testfile.Write(t, dir, "2.sql", "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);\n")
	testfile.Write(t, dir, "3.sql", "ALTER TABLE b ADD COLUMN note text;\n")
	files := []string{filepath.Join(dir, "1.sql"), filepath.Join(dir, "2.sql"), filepath.Join(dir, "3.sql")}
	dev := pgtest.Current(t).AdminURL()
	var want string
	for i, args := range [][]string{
		{"--sql", files[0], "--sql", files[1], "--sql", files[2]},
		{"--sql", files[0], files[1], files[2]},
		{"--sql", files[0] + "," + files[1], files[2]},
	} {
		code, out, errOut := cpcgen(t, append([]string{"-C", dir, "import", "--dev-url", dev, "--force", "--package", "importdb"}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		b, err := os.ReadFile(filepath.Join(dir, "schema", "public.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if got := string(b[bytes.IndexByte(b, '\n'):]); i == 0 {
			want = got
			if !strings.Contains(got, "note: {type: text, nullable: true}") {
				t.Fatalf("the third file was not applied:\n%s", got)
			}
		} else if got != want {
			t.Errorf("%v: other specs than one --sql each:\n%s", args, got)
		}
	}
	for args, msg := range map[string]string{
		"--sql " + files[0] + " --sql " + files[1] + " " + files[2]: `either one --sql each or all after one --sql`,
		"--url postgres://localhost/app " + files[0]:                `import takes no arguments ("` + files[0] + `"): DDL files follow --sql`,
	} {
		code, out, errOut := cpcgen(t, append([]string{"-C", dir, "import"}, strings.Fields(args)...)...)
		if code != exitUsage || !strings.Contains(errOut, msg) {
			t.Errorf("import %s: exit %d, want the error %q\n%s%s", args, code, msg, out, errOut)
		}
	}
}

// lineDiff lists the lines only one side has.
func lineDiff(a, b string) string {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		count[l]--
	}
	var out []string
	for l, n := range count {
		switch {
		case n > 0:
			out = append(out, "- "+l)
		case n < 0:
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestImportBaseline: check --url is green on the imported database
// right after baseline, and stays green after a later spec change is
// migrated.
func TestImportBaseline(t *testing.T) {
	orig := loadDDL(t, "shop.sql", importerDDL(t, "shop.sql"))
	dir := importProject(t, orig)
	steps := [][]string{{"generate"}, {"migrate", "diff", "baseline"}}
	for _, args := range steps {
		if code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	// Before the baseline, check sees the migration as not applied.
	if code, out, _ := cpcgen(t, "-C", dir, "check", "--url", orig); code == exitOK {
		t.Fatalf("check before baseline: exit %d\n%s", code, out)
	}
	code, out, errOut := cpcgen(t, "-C", dir, "migrate", "baseline", "--url", orig)
	if code != exitOK || !strings.Contains(out, "recorded 000001_baseline.up.sql as applied (not run)") {
		t.Fatalf("baseline: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := cpcgen(t, "-C", dir, "check", "--url", orig); code != exitOK || !strings.Contains(out, "schema matches the migrations") {
		t.Fatalf("check after baseline: exit %d\n%s%s", code, out, errOut)
	}
	// Again: nothing to record.
	if code, out, _ := cpcgen(t, "-C", dir, "migrate", "baseline", "--url", orig); code != exitOK || !strings.Contains(out, "already records") {
		t.Fatalf("second baseline: exit %d\n%s", code, out)
	}
	// A later change migrates normally.
	spec := filepath.Join(dir, "schema", "public.yaml")
	b, _ := os.ReadFile(spec)
	changed := strings.Replace(string(b), "      mac: {type: macaddr, nullable: true}\n", "      mac: {type: macaddr, nullable: true}\n      nickname: {type: text, nullable: true}\n", 1)
	if changed == string(b) {
		t.Fatal("the spec has no column mac to add a column after")
	}
	testfile.Write(t, dir, "schema/public.yaml", changed)
	for _, args := range [][]string{{"generate"}, {"migrate", "diff", "add_nickname"}, {"migrate", "apply", "--url", orig}} {
		if code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	if code, out, errOut := cpcgen(t, "-C", dir, "check", "--url", orig); code != exitOK || !strings.Contains(out, "2 migration(s) applied") {
		t.Fatalf("check after a later migration: exit %d\n%s%s", code, out, errOut)
	}
}

// TestBaselineRefusesADifferentDatabase: baseline records nothing on a
// database that is not what the migrations build.
func TestBaselineRefusesADifferentDatabase(t *testing.T) {
	orig := loadDDL(t, "a.sql", "CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL);")
	dir := importProject(t, orig)
	for _, args := range [][]string{{"generate"}, {"migrate", "diff", "baseline"}} {
		if code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	other := loadDDL(t, "b.sql", "CREATE TABLE item (id integer PRIMARY KEY, name text);")
	code, out, errOut := cpcgen(t, "-C", dir, "migrate", "baseline", "--url", other)
	if code != exitUsage || !strings.Contains(errOut, "nothing was recorded") || !strings.Contains(errOut, "schema drift") {
		t.Fatalf("baseline of another database: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := cpcgen(t, "-C", dir, "migrate", "status", "--url", other); !strings.Contains(out, "pending") {
		t.Fatalf("status after a refused baseline: exit %d\n%s", code, out)
	}
}

// TestImportBadInput: a failing DDL file is reported with file, line,
// statement and the server's message; an unreachable --url in one line;
// an edited spec is not overwritten without --force.
func TestImportBadInput(t *testing.T) {
	dir := t.TempDir()
	ddl := "CREATE TABLE a (id integer PRIMARY KEY);\n\n-- the next one is wrong\nCREATE TABLE b (\n  id integer PRIMARY KEY,\n  a_id integer REFERENCES nowhere (id)\n);\n"
	testfile.Write(t, dir, "bad.sql", ddl)
	code, out, errOut := cpcgen(t, "-C", dir, "import", "--sql", filepath.Join(dir, "bad.sql"), "--dev-url", pgtest.Current(t).AdminURL())
	if code != exitUsage {
		t.Fatalf("bad ddl: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"bad.sql:4:", `relation "nowhere" does not exist`, "statement starting at line 4: CREATE TABLE b ( id integer PRIMARY KEY, a_id integer REFERENCES nowhere (id) )"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("bad ddl: the error lacks %q:\n%s", want, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "schema")); err == nil {
		t.Error("a failed import wrote spec files")
	}

	code, out, errOut = cpcgen(t, "-C", dir, "import", "--url", "postgres://nobody:secret@127.0.0.1:1/app?connect_timeout=2")
	if code != exitUsage || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "cannot reach") || strings.Contains(errOut, "secret") {
		t.Fatalf("unreachable url: exit %d, want one line without the password:\n%s%s", code, out, errOut)
	}

	url := loadDDL(t, "c.sql", "CREATE TABLE item (id integer PRIMARY KEY);")
	dir = importProject(t, url)
	testfile.Write(t, dir, "schema/public.yaml", "# edited\ntables: {}\n")
	code, _, errOut = cpcgen(t, "-C", dir, "import", "--url", url)
	if code != exitUsage || !strings.Contains(errOut, "schema/public.yaml already exist") || !strings.Contains(errOut, "--force") {
		t.Fatalf("import over an edited spec: exit %d\n%s", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "schema/public.yaml")); string(b) != "# edited\ntables: {}\n" {
		t.Fatal("import overwrote an edited spec without --force")
	}
	if code, out, errOut := cpcgen(t, "-C", dir, "import", "--url", url, "--force"); code != exitOK || !strings.Contains(out, "schema/public.yaml") {
		t.Fatalf("import --force: exit %d\n%s%s", code, out, errOut)
	}
	// The same import again writes nothing.
	if code, out, _ := cpcgen(t, "-C", dir, "import", "--url", url); code != exitOK || !strings.Contains(out, "up to date") {
		t.Fatalf("import again: exit %d\n%s", code, out)
	}
}

// buildImported builds and vets the generated package of an imported
// project, against this repository's runtime through a go.work file,
// offline.
func buildImported(t *testing.T, dir string) {
	t.Helper()
	downloadModules(t)
	testfile.Write(t, dir, "go.work", "go 1.26.0\n\nuse (\n\t.\n\t"+repoRoot(t)+"\n)\n")
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = goEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the imported project: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// libraryQueries are raw queries a user adds to the imported library
// spec: full-text search over the column the trigger keeps current, and
// a read of a view the spec keeps as an SQL object.
const libraryQueries = `
queries:
  book:
    - name: SearchBooks
      sql: |
        SELECT book_id, title, ts_rank(body_search, q) AS rank
        FROM book, websearch_to_tsquery('english', @q) q
        WHERE body_search @@ q
        ORDER BY rank DESC, book_id
      params: {q: text}
      columns: {book_id: bigint, title: text, rank: real}
  member:
    - name: OpenLoans
      sql: SELECT loan_id, display_name, title, due FROM open_loan WHERE member_id = @member_id ORDER BY due, loan_id
      params: {member_id: uuid}
      columns: {loan_id: bigint, display_name: text, title: text, due: timestamptz}
`

func addLibraryQueries(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "schema", "public.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "\nqueries:") {
		t.Fatal("the imported spec already has queries:")
	}
	testfile.Write(t, dir, "schema/public.yaml", string(b)+libraryQueries)
}

// importedTest is the imported library project's own test, run against the
// database the specs came from: rows made through the generated
// repositories, a trigger kept as an SQL object filling the tsvector
// column, a raw full-text query finding the row, a composite foreign key
// and a view read through a raw query.
const importedTest = `package importdb

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestImported(t *testing.T) {
	ctx := context.Background()
	pool := importedPool(t)
	br, err := NewBranchRepo(pool).Create(ctx, NewBranch{BranchID: 1, Name: "Main"})
	if err != nil {
		t.Fatal(err)
	}
	bk, err := NewBookRepo(pool).Create(ctx, NewBook{Isbn: "9780140449136", Title: "Crime and Punishment", Subtitle: runtime.NullOf("A novel in six parts"), Authors: []string{"Dostoevsky"}})
	if err != nil {
		t.Fatal(err)
	}
	if bk.BodySearch == nil || len(bk.BodySearch.Lexemes) == 0 {
		t.Fatalf("the trigger did not fill body_search: %+v", bk.BodySearch)
	}
	if _, err := NewBookRepo(pool).Create(ctx, NewBook{Isbn: "not an isbn", Title: "x", Authors: []string{}}); err == nil {
		t.Fatal("the isbn domain's check did not refuse a bad isbn")
	}
	mac, _ := net.ParseMAC("08:00:2b:01:02:03")
	if _, err := NewCopyRepo(pool).Create(ctx, NewCopy{BranchID: br.BranchID, CopyNo: 7, BookID: bk.BookID, ShelfMac: mac}); err != nil {
		t.Fatal(err)
	}
	m, err := NewMemberRepo(pool).Create(ctx, NewMember{Email: "Reader@Example.org", DisplayName: "Reader"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewMemberRepo(pool).Create(ctx, NewMember{Email: "reader@example.org", DisplayName: "Twin"}); err == nil {
		t.Fatal("citext unique email accepted a case variant")
	}
	if _, err := pool.Exec(ctx, "INSERT INTO loan (branch_id, copy_no, member_id, due) VALUES (1, 7, $1, now() + interval '1 day')", m.MemberID); err != nil {
		t.Fatal(err)
	}
	hits, err := NewBookRepo(pool).SearchBooks(ctx, "punishment")
	if err != nil || len(hits) != 1 || hits[0].BookID != bk.BookID {
		t.Fatalf("SearchBooks: %+v, %v", hits, err)
	}
	loans, err := NewMemberRepo(pool).OpenLoans(ctx, m.MemberID)
	if err != nil || len(loans) != 1 || loans[0].Title != bk.Title || loans[0].Due.Before(time.Now()) {
		t.Fatalf("OpenLoans: %+v, %v", loans, err)
	}
}
`

// defaultsTest is the imported project's test of the "function defaults"
// case: Create with the fields of columns whose defaults call functions
// of the schema unset takes the defaults the spec kept.
const defaultsTest = `package importdb

import (
	"context"
	"testing"

)

func TestImported(t *testing.T) {
	ctx := context.Background()
	pool := importedPool(t)
	u, err := NewAnonUserRepo(pool).Create(ctx, NewAnonUser{ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if u.CreatedAt < 1_000_000_000_000_000 || u.TrialEnds.IsZero() || len(u.Code) != 32 {
		t.Fatalf("Create did not take the database's defaults: %+v", u)
	}
}
`

// sqlNamedTest writes and reads the imported columns of types named by
// their SQL, and the generated column reading a field of one.
const sqlNamedTest = `package importdb

import (
	"context"
	"errors"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestImported(t *testing.T) {
	ctx := context.Background()
	pool := importedPool(t)
	shapes := NewShapeRepo(pool)
	s, err := shapes.Create(ctx, NewShape{Spot: "(1,2)", Doc: runtime.NullOf("<a/>"), Version: runtime.NullOf("(2,1,0)"), Q: runtime.NullOf("cat & dog"), Home: runtime.NullOf("(3,4)"), ShipTo: runtime.NullOf("(\"1 Main St\",Springfield)")})
	if err != nil {
		t.Fatal(err)
	}
	if s.Spot != "(1,2)" || s.Version != runtime.NullOf("(2,1,0)") || s.VersionMajor != runtime.NullOf(int32(2)) || s.Amount != "$0.00" || s.Q != runtime.NullOf("'cat' & 'dog'") || s.Home != runtime.NullOf("(3,4)") || s.ShipTo != runtime.NullOf("(\"1 Main St\",Springfield)") {
		t.Fatalf("Create: %+v", s)
	}
	if n, err := shapes.CreateMany(ctx, []NewShape{{Spot: "(0,0)", Amount: runtime.Set("12.50"), Lsn: runtime.NullOf("0/16B3748")}}); err != nil || n != 1 {
		t.Fatalf("CreateMany: %d %v", n, err)
	}
	paths := NewPathRepo(pool)
	p, err := paths.Create(ctx, NewPath{ID: 1, Pts: []string{"(1,2)", "(3,4)"}})
	if err != nil || len(p.Pts) != 2 || p.Pts[1] != "(3,4)" || p.Stops == nil || len(p.Stops) != 0 {
		t.Fatalf("Create with arrays: %+v %v", p, err)
	}
	if n, err := paths.CreateMany(ctx, []NewPath{{ID: 2, Stops: runtime.Set([]string{"(1,2,3)", "(1,2,4)"})}}); err != nil || n != 1 {
		t.Fatalf("CreateMany with arrays: %d %v", n, err)
	}
	if p, err := paths.Update(ctx, 2, PathUpdate{Pts: runtime.Set([]string{"(0,0)"}), Stops: runtime.Set([]string{})}); err != nil || len(p.Pts) != 1 || len(p.Stops) != 0 || p.Stops == nil {
		t.Fatalf("Update with arrays: %+v %v", p, err)
	}
	if _, err := shapes.Create(ctx, NewShape{Spot: "(0,0)", Home: runtime.NullOf("(-1,0)")}); !errors.Is(err, runtime.ErrCheck) && !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("a value the domain's check refuses: %v", err)
	}
}
`

// importedPoolSrc opens the pool the imported projects' tests use, on
// the database at IMPORTED_URL.
const importedPoolSrc = `package importdb

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

func importedPool(t *testing.T) *pgxpool.Pool {
	pool, err := pgxpool.New(context.Background(), os.Getenv("IMPORTED_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}
`

// runImportedTest runs the test src in the imported project against the
// database at url.
func runImportedTest(t *testing.T, dir, url, src string) {
	t.Helper()
	testfile.Write(t, dir, "internal/importdb/imported_test.go", src)
	testfile.Write(t, dir, "internal/importdb/pool_test.go", importedPoolSrc)
	cmd := exec.Command("go", "test", "-count=1", "./internal/importdb/")
	cmd.Dir = dir
	cmd.Env = append(goEnv(), "IMPORTED_URL="+url)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the imported project's test: %v\n%s", err, out)
	}
	for _, f := range []string{"imported_test.go", "pool_test.go"} {
		if err := os.Remove(filepath.Join(dir, "internal/importdb", f)); err != nil {
			t.Fatal(err)
		}
	}
}

// goEnv is the environment of go commands in an imported project: the
// workspace file decides the modules (so no -mod= flag), and nothing is
// downloaded.
func goEnv() []string {
	var goflags []string
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if !strings.HasPrefix(f, "-mod=") {
			goflags = append(goflags, f)
		}
	}
	return append(os.Environ(), "GOFLAGS="+strings.Join(goflags, " "), "GOPROXY=off", "GOWORK=", "GOTOOLCHAIN=local")
}

// TestImportPartitionDrift: after import and baseline of a schema with a
// partitioned table, check --url is green; a partition dropped behind
// the migrations' back is reported by name.
func TestImportPartitionDrift(t *testing.T) {
	orig := loadDDL(t, "billing.sql", importerDDL(t, "billing.sql"))
	dir := importProject(t, orig)
	for _, args := range [][]string{{"generate"}, {"migrate", "diff", "baseline"}, {"migrate", "baseline", "--url", orig}} {
		if code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	if code, out, errOut := cpcgen(t, "-C", dir, "check", "--url", orig); code != exitOK {
		t.Fatalf("check after baseline: exit %d\n%s%s", code, out, errOut)
	}
	pgtest.Exec(t, orig, "DROP TABLE enriched_events_default")
	code, out, errOut := cpcgen(t, "-C", dir, "check", "--url", orig)
	if code == exitOK || !strings.Contains(out+errOut, `partition "enriched_events_default"`) {
		t.Fatalf("check after a partition was dropped: exit %d\n%s%s", code, out, errOut)
	}
}

// TestImportOddNamesDrift: tables named null (which the Atlas engine
// reads as SQL NULL), reserved words and a name with a space and
// capitals (kept as SQL), columns named null, in an index, an INCLUDE
// list, a foreign key and a check, import, migrate and check --url
// green; a column added behind the migrations' back to such tables is
// reported.
func TestImportOddNamesDrift(t *testing.T) {
	orig := loadDDL(t, "odd names", `CREATE TABLE "null" (id int PRIMARY KEY, "null" text CHECK ("null" <> ''), "NULL" int);
CREATE INDEX null_null ON "null" ("null") INCLUDE ("NULL");
CREATE TABLE "user" (id int PRIMARY KEY, "Null" int REFERENCES "null" (id));
CREATE TABLE "select" (id int PRIMARY KEY, "from" text UNIQUE);
CREATE TABLE "Mixed Case" (id int PRIMARY KEY, "null" int REFERENCES "null" (id));
CREATE TABLE "NULL" (id int PRIMARY KEY, n int REFERENCES "Mixed Case" (id));`)
	dir := importProject(t, orig)
	for _, args := range [][]string{{"generate"}, {"migrate", "diff", "baseline"}} {
		if code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	live, dev := pgtest.URL(t), pgtest.Current(t).AdminURL()
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check after apply", out, "1 migration(s) applied, none pending, schema matches the migrations")

	pgtest.Exec(t, live, `ALTER TABLE "null" ADD COLUMN extra int`, `ALTER TABLE "Mixed Case" ADD COLUMN extra int`)
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check after drift", out, `drop column "null"."extra" would bring it back`,
		`drop column "Mixed Case"."extra" would bring it back`, "2 problems: 2 schema drift")
}

// TestImportPrintsNamesEscaped: import's report prints names of the
// database, and a name may hold a terminal's control sequences or a line
// break followed by what a CI log reads as a command (::error::). The
// report writes such characters as escapes, on the finding's one line.
func TestImportPrintsNamesEscaped(t *testing.T) {
	url := loadDDL(t, "evil", "CREATE TABLE \"evil\x1b]0;pwned\x07\x1b[2J\n::error::injected\u202e\" (id int PRIMARY KEY);\nCREATE TABLE plain (id int PRIMARY KEY);\n")
	dir := t.TempDir()
	testfile.Write(t, dir, "go.mod", "module example.com/imported\n\ngo 1.25\n")
	code, out, errOut := cpcgen(t, "-C", dir, "import", "--url", url, "--package", "importdb")
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	all := out + errOut
	if strings.ContainsAny(all, "\x1b\x07\u202e") || strings.Contains(all, "\n::") {
		t.Errorf("the report passes a name's control characters on:\n%q", all)
	}
	if !strings.Contains(out, `evil\x1b]0;pwned\a\x1b[2J\n::error::injected\u202e`) {
		t.Errorf("the report does not name the table, escaped:\n%s", out)
	}
}
