package importer

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"gopkg.in/yaml.v3"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var update = flag.Bool("update", false, "rewrite the golden import output under testdata")

// TestGolden imports each DDL file under testdata (with and without
// --detect-behaviours, split by table or not) and compares the spec files
// and the report with testdata/<name>.golden; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, name := range []string{"library.sql", "shop.sql", "billing.sql", "deployment.sql"} {
		t.Run(name, func(t *testing.T) {
			ddl, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			cat, err := Inspect(ctx, loadedConn(t, name, string(ddl)), "")
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			for _, opts := range []Options{{Source: name, Dir: "schema"}, {Source: name, Dir: "schema", DetectBehaviours: true, Split: "table"}} {
				res := Convert(cat, opts)
				fmt.Fprintf(&got, "### import (detect behaviours: %v, split: %q): %d tables, %d objects\n", opts.DetectBehaviours, opts.Split, res.Tables, res.Objects)
				for _, f := range res.Findings {
					fmt.Fprintf(&got, "%s %s: %s: %s\n", f.Kind, f.Name, f.Action, f.Why)
				}
				for _, f := range res.Files {
					fmt.Fprintf(&got, "\n### %s\n%s", f.Path, f.Data)
				}
				got.WriteString("\n")
			}
			path := filepath.Join("testdata", strings.TrimSuffix(name, ".sql")+".golden")
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(want, got.Bytes()) {
				t.Errorf("import of %s differs from %s (go test -update rewrites it):\n%s", name, path, firstDiff(string(want), got.String()))
			}
		})
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, a, b)
		}
	}
	return ""
}

// TestSplitDDL: statements end at top-level semicolons only (not inside
// the parentheses of a rule's actions), and the data
// of COPY … FROM stdin, with or without options, is left out.
func TestSplitDDL(t *testing.T) {
	src := "SET x = 1;\n\\connect db\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n" +
		"-- a comment; with a semicolon\nCREATE TABLE \"a;b\" (s text DEFAULT 'x;''y');\n" +
		"COPY t (a) FROM stdin;\n1\n2;3\n\\.\n/* block; /* nested; */ */ SELECT E'\\';';\n" +
		"CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;\n" +
		"CREATE RULE r AS ON DELETE TO t DO ( DELETE FROM a;\n DELETE FROM b;\n);\n" +
		"COPY defaults FROM stdin WITH DELIMITER '|';\nrcpt|1;\n\\.\ncopy u from STDIN (FORMAT csv);\na,b\n\\.\n" +
		"CREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN /* the body */ ATOMIC SELECT 1; END;\n"
	stmts, err := SplitDDL(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range stmts {
		got = append(got, s.SQL)
	}
	want := []string{
		"SET x = 1",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$",
		"CREATE TABLE \"a;b\" (s text DEFAULT 'x;''y')",
		"SELECT E'\\';'",
		"CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END",
		"CREATE RULE r AS ON DELETE TO t DO ( DELETE FROM a;\n DELETE FROM b;\n)",
		"CREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN /* the body */ ATOMIC SELECT 1; END",
	}
	if strings.Join(got, "\n|") != strings.Join(want, "\n|") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n|"), strings.Join(want, "\n|"))
	}
	if stmts[2].Line != 5 {
		t.Errorf("CREATE TABLE at line %d, want 5", stmts[2].Line)
	}
	if _, err := SplitDDL("SELECT 'open"); err == nil {
		t.Error("an unterminated string was not reported")
	}
}

// TestSplitDDLConditional: psql's \if blocks were skipped line by line
// as other meta-commands, so the statements of every branch ran and
// import made tables psql would not (both y and z below). A statement
// inside one is an error naming both lines; blocks holding only
// meta-commands (a default for a variable) are no error.
func TestSplitDDLConditional(t *testing.T) {
	src := "CREATE TABLE x (id int);\n\\if :{?foo}\nCREATE TABLE y (id int);\n\\else\nCREATE TABLE z (id int);\n\\endif\n"
	_, err := SplitDDL(src)
	if err == nil || !strings.Contains(err.Error(), "line 3: a statement inside psql's \\if of line 2") || strings.Contains(err.Error(), "--url") {
		t.Errorf("%v", err) // migrations.external reads files with it too, where --url means nothing
	}
	// Import suggests importing from a database psql made.
	if _, err := ApplyDDL(context.Background(), testConn(t), "cond.sql", src); err == nil || !strings.Contains(err.Error(), "cond.sql: line 3: ") || !strings.Contains(err.Error(), "keep the branch that applies, or run the file with psql and import from that database (--url)") {
		t.Errorf("import: %v", err)
	}
	if _, err := SplitDDL("\\if :{?foo}\n\\else\n\\ir other.sql\n\\endif\n"); err == nil || !strings.Contains(err.Error(), "line 3:") {
		t.Errorf("an include inside \\if: %v", err)
	}
	stmts, err := SplitDDL("\\if :{?chunk}\n\\else\n\\set chunk 500\n\\endif\nCREATE TABLE x (id int);\n")
	if err != nil || len(stmts) != 1 || stmts[0].Line != 5 {
		t.Errorf("%+v %v", stmts, err)
	}
}

// TestApplyDDLPsqlVariable: a statement holding a psql variable (:tbl,
// which \set gives a value in psql) stopped the replay at a syntax error
// at ":" with nothing more; the message now says psql would put the
// variable's value there and what to do.
func TestApplyDDLPsqlVariable(t *testing.T) {
	for _, v := range []string{":tbl", ":\"tbl\""} {
		_, err := ApplyDDL(context.Background(), testConn(t), "vars.sql", "\\set tbl things\nCREATE TABLE "+v+" (id int PRIMARY KEY);\n")
		var de *DDLError
		if !errors.As(err, &de) || de.Line != 2 || !strings.Contains(err.Error(), "its variable tbl there") {
			t.Errorf("%s: %v", v, err)
		}
	}
}

// TestApplyDDLMissingOnServer: an extension the replaying server does
// not have stops the replay with its file and line and what to do.
func TestApplyDDLMissingOnServer(t *testing.T) {
	ctx := context.Background()
	conn := testConn(t)
	_, err := ApplyDDL(ctx, conn, "structure.sql", "CREATE TABLE a (id int);\nCREATE EXTENSION no_such_extension;\n")
	var de *DDLError
	if !errors.As(err, &de) || de.Line != 2 || !strings.Contains(err.Error(), "the extension is not installed") || !strings.Contains(err.Error(), "--dev-url") {
		t.Errorf("%v", err)
	}
}

// TestApplyDDLInAnotherLanguage replays, on a server that reports in
// German (a --dev-url's may), a setting the server does not know, which
// is skipped, and an extension it does not have, which stops the replay
// with what to do: neither depends on the server's English.
func TestApplyDDLInAnotherLanguage(t *testing.T) {
	ctx := context.Background()
	c := pgtest.StartInLanguage(t, "de_DE")
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var probe string
	if _, err := conn.Exec(ctx, "SET no_such.thing = 0; SET transaction_timeout = 0"); err != nil {
		probe = err.Error()
	}
	if !strings.Contains(probe, "Konfigurationsparameter") {
		t.Fatalf("the server's message is not German: %q", probe)
	}
	_, err = ApplyDDL(ctx, conn, "structure.sql", "SET transaction_timeout = 0;\nCREATE TABLE a (id int);\nCREATE EXTENSION no_such_extension;\n")
	var de *DDLError
	if !errors.As(err, &de) || de.Line != 3 || !strings.Contains(err.Error(), "the extension is not installed") {
		t.Errorf("%v", err)
	}
}

// TestApplyDDLCFunctions: a C function whose library the replaying
// server does not have (OpenStreetMap's structure.sql) is left out with
// the statements about it, and reported; the rest of the file is
// imported. A statement that uses it stops the replay with a message
// naming it.
func TestApplyDDLCFunctions(t *testing.T) {
	ctx := context.Background()
	conn := testConn(t)
	found, err := ApplyDDL(ctx, conn, "structure.sql", `CREATE TABLE a (id int PRIMARY KEY);
CREATE FUNCTION public.tile(bigint) RETURNS integer
    LANGUAGE c STRICT
    AS '/nowhere/libtile.so', 'tile';
COMMENT ON FUNCTION public.tile(bigint) IS 'the tile of a point';
ALTER FUNCTION tile(bigint) OWNER TO CURRENT_USER;
GRANT ALL ON FUNCTION public.tile(bigint) TO PUBLIC;
CREATE OR REPLACE FUNCTION "Tile2"(numeric(10,2), language text) RETURNS integer AS '/nowhere/libtile.so', 'tile2' LANGUAGE 'c';
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.String())
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "function public.tile(bigint): not imported: LANGUAGE c") ||
		!strings.Contains(got[0], "structure.sql:2:") || !strings.Contains(got[0], "libtile.so") ||
		!strings.HasPrefix(got[1], `function "Tile2"(numeric(10,2), language text): not imported`) {
		t.Fatalf("findings:\n%s", strings.Join(got, "\n"))
	}
	cat, err := Inspect(ctx, conn, "")
	if err != nil {
		t.Fatal(err)
	}
	res := Convert(cat, Options{Source: "structure.sql", Findings: found})
	if res.Tables != 2 || len(res.Findings) < 2 {
		t.Fatalf("%d tables, findings %v", res.Tables, res.Findings)
	}

	_, err = ApplyDDL(ctx, conn, "uses.sql", `CREATE FUNCTION tile(bigint) RETURNS integer LANGUAGE c AS '/nowhere/libtile.so', 'tile';
CREATE TABLE c (id bigint);
CREATE INDEX c_tile ON c (tile(id));
`)
	var de *DDLError
	if !errors.As(err, &de) || de.Line != 3 || !strings.Contains(err.Error(), "it uses function tile(bigint), left out above") {
		t.Fatalf("%v", err)
	}
}

// TestApplyDDLIncludes: the files psql's \i and \ir include run where
// the command stands (\ir from the directory of the file holding it,
// \i from the working directory, a quoted name too), where import
// skipped them as any meta-command and left their tables out without a
// word; a file that is missing, or that includes itself, stops the
// replay naming the command's file and line.
func TestApplyDDLIncludes(t *testing.T) {
	ctx := context.Background()
	conn := testConn(t)
	dir := t.TempDir()
	write := func(name, src string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("src/tables/b.sql", "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);\n")
	write("src/tables/all.sql", "\\ir b.sql\n")
	c := write("other dir/c.sql", "CREATE TABLE c (id int PRIMARY KEY);\n")
	main := write("src/init.sql", "CREATE TABLE a (id int PRIMARY KEY);\n\\ir tables/all.sql\n\\i '"+c+"'\nCREATE INDEX ON c (id);\n")
	found, err := ApplyDDL(ctx, conn, main, "CREATE TABLE a (id int PRIMARY KEY);\n\\ir tables/all.sql\n\\i '"+c+"'\nCREATE INDEX ON c (id);\n")
	if err != nil || len(found) != 0 {
		t.Fatalf("%v %v", found, err)
	}
	if res := convert(t, conn, "init.sql"); res.Tables != 3 {
		t.Fatalf("%d tables, want 3", res.Tables)
	}
	loop := write("loop.sql", "\\ir loop.sql\n")
	if _, err := ApplyDDL(ctx, conn, loop, "\\ir loop.sql\n"); err == nil || !strings.Contains(err.Error(), "loop.sql:1:") || !strings.Contains(err.Error(), "nest deeper") {
		t.Errorf("a file including itself: %v", err)
	}
	if _, err := ApplyDDL(ctx, conn, main, "\n\\include_relative nowhere.sql\n"); err == nil || !strings.Contains(err.Error(), "init.sql:2:") || !strings.Contains(err.Error(), "nowhere.sql") {
		t.Errorf("a missing file: %v", err)
	}
}

// TestApplyDDLGexec: psql's meta-commands end a line wherever they
// stand, not only at its start: \gexec after a query (a
// docker-entrypoint-initdb.d script's SELECT 'CREATE DATABASE …' WHERE
// NOT EXISTS (…)\gexec) ran into the next statement, and the replay
// stopped at a syntax error. The query runs, and each value of its rows
// as a statement (a database is still not made); a meta-command after a
// statement's semicolon is skipped.
func TestApplyDDLGexec(t *testing.T) {
	ctx := context.Background()
	conn := testConn(t)
	src := "SELECT 'CREATE DATABASE never_made' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'never_made')\\gexec\n" +
		"CREATE TABLE a (id int PRIMARY KEY); \\echo made a\n" +
		"SELECT format('CREATE TABLE %I (id int PRIMARY KEY)', 'log_' || n), NULL, format('COMMENT ON TABLE %I IS %L', 'log_' || n, 'made') FROM generate_series(1, 2) n\n\\gexec\n" +
		"CREATE TABLE b (id int PRIMARY KEY);\n"
	found, err := ApplyDDL(ctx, conn, "init.sql", src)
	if err != nil || len(found) != 0 {
		t.Fatalf("%v %v", found, err)
	}
	if res := convert(t, conn, "init.sql"); res.Tables != 4 || !strings.Contains(specText(res), "comment: made") {
		t.Fatalf("%d tables, want 4:\n%s", res.Tables, specText(res))
	}
	stmts, err := SplitDDL(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 4 || !stmts[0].Gexec || stmts[1].Gexec || !stmts[2].Gexec || stmts[3].Line != 5 {
		t.Errorf("statements %+v", stmts)
	}
}

// TestApplyDDLSkips: a newer pg_dump's session settings the server does
// not know are skipped, and so are the statements that create or drop a
// database and those that write rows, behind WITH too (with COPY's data
// left out, the inserted row would fail the foreign key added after it).
// A DO block runs, as it may change the schema: when the UPDATE that
// fills a new column is skipped and the row the block inserted fails
// the column's NOT NULL, the tables are emptied and SET NOT NULL runs
// again. An unknown setting in any other statement, or a misspelt one's
// own error, is still reported.
func TestApplyDDLSkips(t *testing.T) {
	ctx := context.Background()
	conn := testConn(t)
	found, err := ApplyDDL(ctx, conn, "pg17.sql", `DROP DATABASE IF EXISTS cpcgen_import_probe;
CREATE DATABASE cpcgen_import_probe;
SET statement_timeout = 0;
SET transaction_timeout = 0;
SELECT pg_catalog.set_config('no_such_thing', '', false);
CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (a_id int);
INSERT INTO b VALUES (1);
INSERT
  INTO b VALUES (3);
update b SET a_id = 2;
WITH src AS (SELECT 4 AS a_id) INSERT INTO b SELECT a_id FROM src;
ALTER TABLE b ADD FOREIGN KEY (a_id) REFERENCES a;
CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL);
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "User" WHERE email = 'deleted-account@example.com') THEN
    INSERT INTO "User" (email) VALUES ('deleted-account@example.com');
  END IF;
END $$;
ALTER TABLE "User" ADD COLUMN url text;
UPDATE "User" SET url = md5(email) WHERE url IS NULL;
ALTER TABLE "User" ALTER COLUMN url SET NOT NULL;
DO $$ BEGIN
  ALTER TABLE b ADD CONSTRAINT b_user_fkey FOREIGN KEY (a_id) REFERENCES "User"(id) ON DELETE cascade ON UPDATE no action;
EXCEPTION WHEN duplicate_object THEN null;
END $$;
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 0 {
		t.Fatalf("findings: %v", found)
	}
	if res := convert(t, conn, "pg17.sql"); res.Tables != 3 {
		t.Fatalf("%d tables, want 3", res.Tables)
	}
	var fk bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'b_user_fkey')").Scan(&fk); err != nil || !fk {
		t.Fatalf("the DO block that adds a foreign key did not run: %v %v", fk, err)
	}
	var made bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'cpcgen_import_probe')").Scan(&made); err != nil || made {
		t.Fatalf("a database the file creates was created on the server: %v %v", made, err)
	}
	for _, ddl := range []string{"ALTER DATABASE postgres SET no_such_parameter = 1;\n", "SET statement_timeout = 'soon';\n"} {
		_, err := ApplyDDL(ctx, conn, "bad.sql", ddl)
		var de *DDLError
		if !errors.As(err, &de) {
			t.Errorf("%q: %v", ddl, err)
		}
	}
}

// TestApplyDDLCodeReadingSkippedRows: a function the file calls that
// builds DDL from rows the file inserted before (LedgerSMB's
// file_links_vrebuild(), a view of the names in file_view_catalog)
// fails once those INSERTs are left out; the error now says so, where it
// gave the server's syntax error alone.
func TestApplyDDLCodeReadingSkippedRows(t *testing.T) {
	_, err := ApplyDDL(context.Background(), testConn(t), "views.sql", `CREATE TABLE catalog (view_name text);
INSERT INTO catalog VALUES ('t1');
CREATE TABLE t1 (id int);
CREATE FUNCTION rebuild() RETURNS bool LANGUAGE plpgsql AS $$
DECLARE stmt text;
BEGIN
  SELECT string_agg('SELECT * FROM ' || quote_ident(view_name), ' UNION ') INTO stmt FROM catalog;
  EXECUTE 'CREATE VIEW links AS ' || coalesce(stmt, '');
  RETURN true;
END $$;
SELECT rebuild();
`)
	var de *DDLError
	if !errors.As(err, &de) || de.Line != 11 || !strings.Contains(err.Error(), "the statements writing rows left out before it would have written (1, the last at line 2)") {
		t.Errorf("error %v, want one at line 11 naming the statements left out", err)
	}
}

// TestApplyDDLSettingsUpdate: an UPDATE of pg_settings sets the
// session's settings, as SET does (Spacewalk's schema puts each
// package's schema first in the search_path so, to create its functions
// there): it ran as data, skipped, and the functions of two packages
// landed in public, where the second's CREATE OR REPLACE failed on the
// first's.
func TestApplyDDLSettingsUpdate(t *testing.T) {
	ctx := context.Background()
	conn := testConn(t)
	_, err := ApplyDDL(ctx, conn, "packages.sql", `CREATE SCHEMA pkg_a;
CREATE SCHEMA pkg_b;
update pg_settings set setting = 'pkg_a,' || setting where name = 'search_path';
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT $1';
update pg_settings set setting = 'pkg_b,' || setting where name = 'search_path';
CREATE OR REPLACE FUNCTION f(b int) RETURNS int LANGUAGE sql AS 'SELECT $1';
UPDATE pg_catalog.pg_settings SET setting = 'public' WHERE name = 'search_path';
CREATE TABLE t (id int PRIMARY KEY);
`)
	if err != nil {
		t.Fatal(err)
	}
	var where []string
	rows, err := conn.Query(ctx, "SELECT p.pronamespace::regnamespace::text FROM pg_proc p WHERE p.proname = 'f' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		where = append(where, s)
	}
	if !slices.Equal(where, []string{"pkg_a", "pkg_b"}) {
		t.Errorf("the functions are in %v, want [pkg_a pkg_b]", where)
	}
}

// TestDataStatement: which statements write rows, and so are skipped.
func TestDataStatement(t *testing.T) {
	for stmt, want := range map[string]bool{
		"INSERT INTO a VALUES (1)": true,
		"truncate a":               true,
		"WITH s AS (SELECT 1 AS x) INSERT INTO a SELECT x FROM s":                                                true,
		"WITH RECURSIVE s (x) AS (SELECT 1 UNION SELECT x + 1 FROM s WHERE x < 3)\n update a SET x = s.x FROM s": true,
		"with s as (select 1), \"insert\" as (select 2) delete from a using s":                                   true,
		"WITH d AS (DELETE FROM a RETURNING id) SELECT count(*) FROM d":                                          false,
		"WITH c AS (INSERT INTO a VALUES (1) RETURNING id) SELECT * INTO TEMP TABLE made FROM c":                 false,
		"WITH s AS (SELECT id FROM a) SELECT * FROM s FOR UPDATE":                                                false,
		"WITH s AS (SELECT ')' AS x /* ) */) SELECT x FROM s -- ; DELETE":                                        false,
		"DO $$ BEGIN INSERT INTO a VALUES (1); END $$":                                                           false,
		"CREATE TRIGGER t AFTER DELETE ON a FOR EACH ROW EXECUTE FUNCTION f()":                                   false,
		"SELECT 1": false,
		"update pg_settings set setting = 'rhn_channel,' || setting where name = 'search_path'": false,
		"UPDATE pg_catalog.pg_settings SET setting = 'a' WHERE name = 'search_path'":            false,
		"UPDATE settings SET setting = 'a'":                                                     true,
	} {
		if got := dataStatement(stmt); got != want {
			t.Errorf("dataStatement(%q) = %v, want %v", stmt, got, want)
		}
	}
}

// TestScalars: every string the converter writes reads back the same.
func TestScalars(t *testing.T) {
	for _, s := range []string{"", "plain", "true", "no", "null", "1", "1.5", "a: b", "a #b", "-x", "[x]", "{x}", "x, y",
		"lower(name::text)", "price >= 0::numeric", "it's", `"q"`, "tab\there", "line\nbreak", "trailing ", " lead", "ü", "%x", "@x", "`x`", "!x", "&x", "*x", "|x", ">x", "?x",
		"\ufffe sentinel", "x\uffff", "del\x7f", "c1\u0080\u009f", "nel\u0085", "bom\ufeff", "ls\u2028ps\u2029"} {
		var got struct{ V string }
		if err := yaml.Unmarshal([]byte("v: "+scalar(s)+"\n"), &got); err != nil || got.V != s {
			t.Errorf("scalar(%q) = %s reads back as %q (%v)", s, scalar(s), got.V, err)
		}
		var flow struct{ V map[string]string }
		if err := yaml.Unmarshal([]byte("v: {a: "+scalar(s)+", b: x}\n"), &flow); err != nil || flow.V["a"] != s {
			t.Errorf("scalar(%q) in a flow mapping reads back as %q (%v)", s, flow.V["a"], err)
		}
	}
	for _, s := range []string{"CREATE VIEW v AS\n SELECT 1", "a\n\n  b\n\tc", " lead\nx", "x\n  \ny", "x\ny\n", "one line",
		"CHECK (length(trim(u&'\ufffe ' FROM value)) > 0)\nx", "a\uffff", "a\x7f\nb", "a\u0090", "a\u0085b", "a\ufeffb"} {
		var got struct{ V string }
		doc := "v: " + block(s, "  ") + "\n"
		if err := yaml.Unmarshal([]byte(doc), &got); err != nil || got.V != s {
			t.Errorf("block(%q) = %s reads back as %q (%v)", s, block(s, "  "), got.V, err)
		}
	}
}

// loadedConn connects to a database of its own, runs ddl (named name in
// errors) in it, and closes the connection when tb ends.
func loadedConn(tb testing.TB, name, ddl string) *pgx.Conn {
	tb.Helper()
	conn := testConn(tb)
	if _, err := ApplyDDL(context.Background(), conn, name, ddl); err != nil {
		tb.Fatal(err)
	}
	return conn
}

// testConn connects to a database of its own, and closes the
// connection when tb ends.
func testConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close(ctx) })
	return conn
}

// specText is every file import wrote for res, one after another.
func specText(res *Result) string {
	var all strings.Builder
	for _, f := range res.Files {
		all.Write(f.Data)
	}
	return all.String()
}

// queryStrings runs query, whose rows are one string each, on conn.
func queryStrings(t *testing.T, conn *pgx.Conn, query string) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// convert inspects the database of conn and converts it, as import
// does, with source as the source's name.
func convert(tb testing.TB, conn *pgx.Conn, source string) *Result {
	tb.Helper()
	cat, err := Inspect(context.Background(), conn, "")
	if err != nil {
		tb.Fatal(err)
	}
	return Convert(cat, Options{Source: source})
}

// TestConvertIsDeterministic: the same database gives the same bytes,
// and nothing in it is left unaccounted for.
func TestConvertIsDeterministic(t *testing.T) {
	conn := loadedConn(t, "synthetic", SyntheticDDL(30))
	var prev []File
	for i := 0; i < 3; i++ {
		res := convert(t, conn, "test")
		if res.Tables != 30 {
			t.Fatalf("%d spec tables, want 30", res.Tables)
		}
		if prev != nil && (len(prev) != len(res.Files) || !bytes.Equal(prev[0].Data, res.Files[0].Data)) {
			t.Fatal("two conversions of the same catalog differ")
		}
		prev = res.Files
	}
}

// BenchmarkImport measures Inspect and Convert of a schema of 1,000
// tables (each with foreign keys, indexes and checks).
func BenchmarkImport(b *testing.B) {
	conn := loadedConn(b, "synthetic", SyntheticDDL(1000))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := convert(b, conn, "bench")
		if res.Tables != 1000 {
			b.Fatalf("%d tables", res.Tables)
		}
	}
}

// TestExtensionObjectsLeftOut: what an extension owns is the extension's
// (PostGIS owns the view geometry_columns and its rules): a table an
// extension owns, with its rule, trigger and policy, is not imported,
// and nothing depends on it.
func TestExtensionObjectsLeftOut(t *testing.T) {
	conn := loadedConn(t, "extension", `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE owned (id int PRIMARY KEY, note text);
CREATE RULE owned_no_delete AS ON DELETE TO owned DO INSTEAD NOTHING;
CREATE FUNCTION owned_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER owned_touch BEFORE UPDATE ON owned FOR EACH ROW EXECUTE FUNCTION owned_touch();
CREATE POLICY owned_all ON owned USING (true);
ALTER EXTENSION pg_trgm ADD TABLE owned;
CREATE TABLE mine (id int PRIMARY KEY);
`)
	res := convert(t, conn, "test")
	if got := specText(res); strings.Contains(got, "owned_no_delete") || strings.Contains(got, "owned_all") ||
		strings.Contains(got, "TRIGGER owned_touch") || strings.Contains(got, "  owned:") || !strings.Contains(got, "  mine:") {
		t.Fatalf("import of a database whose extension owns a table:\n%s", got)
	}
}

// TestExtensionFunctionsAreNotUses: the functions an extension installed
// in the schema owns (uuid-ossp's in public) exist before the tables, as
// the extension is created first: a default, a generated column, a
// check, an index and a domain calling them are declared by the spec as
// any other, not kept as SQL for a function of the schema.
func TestExtensionFunctionsAreNotUses(t *testing.T) {
	ddl, err := os.ReadFile(filepath.Join("testdata", "extension_functions.sql"))
	if err != nil {
		t.Fatal(err)
	}
	conn := loadedConn(t, "extension_functions.sql", string(ddl))
	cat, err := Inspect(context.Background(), conn, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range cat.Tables {
		for _, col := range tb.Columns {
			if len(col.DefaultUses) > 0 {
				t.Errorf("column %s.%s uses %v", tb.Name, col.Name, col.DefaultUses)
			}
		}
		for _, k := range tb.Constraints {
			if len(k.Uses) > 0 {
				t.Errorf("constraint %s uses %v", k.Name, k.Uses)
			}
		}
		for _, x := range tb.Indexes {
			if len(x.Uses) > 0 {
				t.Errorf("index %s uses %v", x.Name, x.Uses)
			}
		}
	}
	for _, d := range cat.Domains {
		if len(d.Uses) > 0 {
			t.Errorf("domain %s uses %v", d.Name, d.Uses)
		}
	}
	for _, v := range cat.Views {
		if strings.Join(v.Uses, ",") != "t" {
			t.Errorf("view %s uses %v, want [t]", v.Name, v.Uses)
		}
	}
	res := Convert(cat, Options{Source: "extension"})
	if res.Tables != 1 {
		t.Errorf("%d spec tables, want 1", res.Tables)
	}
	for _, f := range res.Findings {
		if f.Kind != "domain" && f.Kind != "view" && f.Name != "t.k" {
			t.Errorf("%s", f)
		}
	}
	if got := string(res.Files[0].Data); !strings.Contains(got, "default: uuid_generate_v4()") {
		t.Errorf("the spec does not declare the default:\n%s", got)
	}
}

// TestForeignKeyToUniqueIndex: a foreign key to a column a unique index
// the spec declares makes unique is the spec's references:; one to a
// column whose unique index an sql object makes is kept as SQL, saying
// so.
func TestForeignKeyToUniqueIndex(t *testing.T) {
	ddl, err := os.ReadFile(filepath.Join("testdata", "unique_index_keys.sql"))
	if err != nil {
		t.Fatal(err)
	}
	res := convert(t, loadedConn(t, "unique_index_keys.sql", string(ddl)), "unique_index_keys.sql")
	if got := string(res.Files[0].Data); !strings.Contains(got, "clientId: {type: text, references: oauthClient.clientId, on_delete: cascade, on_update: cascade}") {
		t.Errorf("the foreign key to oauthClient.clientId is not a references:\n%s", got)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Kind == "foreign key" {
			got = append(got, f.String())
		}
	}
	want := "foreign key item.item_tag_code_fkey: kept as sql_object: it references tag.code, unique by index tag_code, which an sql object makes after the tables: " +
		"it uses an operator class, collation or storage parameter specs do not declare"
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings of foreign keys:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// TestSchemaCommentRemoved: public without a comment, not even the one
// PostgreSQL gives it (pg_dump then writes COMMENT ON SCHEMA public IS
// the empty string), is reported too: the databases the migrations make
// keep it.
func TestSchemaCommentRemoved(t *testing.T) {
	conn := loadedConn(t, "comment", "CREATE TABLE t (id int PRIMARY KEY);\nCOMMENT ON SCHEMA public IS '';\n")
	res := convert(t, conn, "test")
	if !slices.ContainsFunc(res.Findings, func(f Finding) bool {
		return f.Kind == "schema" && f.Name == "public" && f.Action == NotImported && strings.Contains(f.Why, "COMMENT ON SCHEMA public IS ''")
	}) {
		t.Errorf("public's removed comment not reported: %+v", res.Findings)
	}
}

// TestSchemaComment: a comment on the schema, which a project does not
// carry, is reported; public's own, the one PostgreSQL gives it, is not.
func TestSchemaComment(t *testing.T) {
	for comment, want := range map[string]bool{"Standard public schema": true, "standard public schema": false} {
		conn := loadedConn(t, "comment", "CREATE TABLE t (id int PRIMARY KEY);\nCOMMENT ON SCHEMA public IS '"+comment+"';\n")
		res := convert(t, conn, "test")
		found := slices.ContainsFunc(res.Findings, func(f Finding) bool {
			return f.Kind == "schema" && f.Name == "public" && f.Action == NotImported && strings.Contains(f.Why, comment)
		})
		if found != want {
			t.Errorf("comment %q: reported %v, want %v: %+v", comment, found, want, res.Findings)
		}
	}
}

// TestEnumWithoutValues: an enum without values, which a spec enum
// cannot be, is kept as an sql object, and so is the table of a column
// of it; the enum is not lost.
func TestEnumWithoutValues(t *testing.T) {
	conn := loadedConn(t, "empty", "CREATE TYPE nothing AS ENUM ();\nCREATE TABLE t (id int PRIMARY KEY, n nothing);\n")
	res := convert(t, conn, "test")
	wantFindings(t, res, func(kind string) bool { return kind == "enum" },
		"enum nothing: kept as sql_object: it has no values (CREATE TYPE … AS ENUM ()), which a spec enum must have: an sql object creates it, before the tables, and columns of it keep their tables as SQL")
	if got := specText(res); !strings.Contains(got, "CREATE TYPE nothing AS ENUM ()") || strings.Contains(got, "enums:") {
		t.Errorf("import of an enum without values:\n%s", got)
	}
}

// TestEnumOfBuiltinTypeName: an enum named like a built-in type, as
// PostgREST's test schema has bit, which a spec enum cannot be named, is
// kept as an sql object, and so is the table of a column of it (named
// with its schema: bit alone is pg_catalog's, and dropped by the name of
// the schema it is in); import wrote it under enums:, and the specs did
// not build.
func TestEnumOfBuiltinTypeName(t *testing.T) {
	conn := loadedConn(t, "bitenum", "CREATE TYPE bit AS ENUM ('one', 'two');\nCREATE TABLE t (id int PRIMARY KEY, b public.bit, c bit(4));\n")
	res := convert(t, conn, "test")
	wantFindings(t, res, func(kind string) bool { return kind == "enum" },
		"enum bit: kept as sql_object: it has the name of a built-in type, which a spec enum cannot take: an sql object creates it, before the tables, and columns of it keep their tables as SQL")
	if got := specText(res); !strings.Contains(got, "CREATE TYPE bit AS ENUM ('one', 'two')") || strings.Contains(got, "enums:") ||
		!strings.Contains(got, "format('DROP TYPE %I.%I', current_schema(), 'bit')") {
		t.Errorf("import of an enum named bit:\n%s", got)
	}
	// The drop drops the schema's bit, not pg_catalog's.
	if _, err := conn.Exec(context.Background(), "DROP TABLE t; DO $cpcgen$ BEGIN EXECUTE format('DROP TYPE %I.%I', current_schema(), 'bit'); END $cpcgen$"); err != nil {
		t.Fatal(err)
	}
}

// TestDomainOverRowType: a domain over a table's row type, as
// PostgREST's projects_domain AS projects, cannot be created before the
// tables as domains are: it is an sql object of kind other after its
// table, where migrations stopped at type "projects" does not exist.
func TestDomainOverRowType(t *testing.T) {
	conn := loadedConn(t, "rowdomain", "CREATE TABLE projects (id int PRIMARY KEY, name text);\nCREATE DOMAIN projects_domain AS projects;\n")
	res := convert(t, conn, "test")
	wantFindings(t, res, func(kind string) bool { return kind == "domain" },
		"domain projects_domain: kept as sql_object: its base type is the row type of projects, so an sql object of kind other creates it after the tables, where domains are created before them")
	want := "  - name: projects_domain\n    kind: other\n    depends_on: [projects]\n"
	if got := specText(res); !strings.Contains(got, want) || !strings.Contains(got, "DROP DOMAIN projects_domain") {
		t.Errorf("import of a domain over a row type lacks %q:\n%s", want, got)
	}
}

// TestTypeOverRowType: a composite type with an attribute of a table's
// row type, as Liberapay's community_with_participant AS (c
// communities, p participants), cannot be created before the tables as
// types are: it is an sql object of kind other after its tables, where
// migrations stopped at type "communities" does not exist.
func TestTypeOverRowType(t *testing.T) {
	conn := loadedConn(t, "rowtype", "CREATE TABLE projects (id int PRIMARY KEY, name text);\nCREATE TYPE project_pair AS (a projects, n int);\n")
	res := convert(t, conn, "test")
	wantFindings(t, res, func(kind string) bool { return kind == "type" },
		"type project_pair: kept as sql_object: it has an attribute of the row type of projects, so an sql object of kind other creates it after the tables, where types are created before them")
	var all strings.Builder
	for _, f := range res.Files {
		all.Write(f.Data)
	}
	want := "  - name: project_pair\n    kind: other\n    depends_on: [projects]\n"
	if got := all.String(); !strings.Contains(got, want) || !strings.Contains(got, "DROP TYPE project_pair") {
		t.Errorf("import of a type over a row type lacks %q:\n%s", want, got)
	}
}

// TestInvalidIndex: an invalid index (pg_index.indisvalid false), here
// a primary key and an index of a partitioned table made ON ONLY it that
// one partition's index was never attached to, is reported: the project
// declares it like a valid one and its migrations build it whole; a valid
// one is not reported.
func TestInvalidIndex(t *testing.T) {
	conn := loadedConn(t, "invalid", `
CREATE TABLE bt (id bigint NOT NULL, at timestamp NOT NULL, n int) PARTITION BY RANGE (at);
CREATE TABLE bt_a PARTITION OF bt FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE bt_b PARTITION OF bt FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
ALTER TABLE ONLY bt ADD CONSTRAINT bt_pkey PRIMARY KEY (id, at);
ALTER TABLE ONLY bt_b ADD CONSTRAINT bt_b_pkey PRIMARY KEY (id, at);
ALTER INDEX bt_pkey ATTACH PARTITION bt_b_pkey;
CREATE INDEX bt_n ON ONLY bt (n);
CREATE INDEX bt_at ON bt (at);
`)
	res := convert(t, conn, "test")
	var got []string
	for _, f := range res.Findings {
		if strings.Contains(f.Why, "indisvalid") {
			got = append(got, f.Kind+" "+f.Name+": "+f.Action)
		}
	}
	want := []string{"index bt.bt_n: changed", "primary key bt.bt_pkey: changed"}
	if !slices.Equal(got, want) {
		t.Errorf("findings of invalid indexes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFunctionOptionsNameNoRelation: the key words of a function's
// options (LANGUAGE sql, STABLE, SECURITY DEFINER) name no relation, even
// where tables are called language, stable and security (Lemmy's
// language): a default and an index calling such functions stay in the
// spec, the functions created before the tables.
func TestFunctionOptionsNameNoRelation(t *testing.T) {
	conn := loadedConn(t, "options", `
CREATE TABLE language (id int PRIMARY KEY, code text);
CREATE TABLE stable (id int PRIMARY KEY);
CREATE TABLE security (id int PRIMARY KEY);
CREATE FUNCTION new_code() RETURNS text LANGUAGE sql VOLATILE SECURITY DEFINER AS $$ SELECT md5(random()::text) $$;
CREATE FUNCTION neg(t timestamptz) RETURNS bigint AS $$ BEGIN RETURN (-extract(epoch FROM t))::bigint; END $$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;
CREATE TABLE post (id int PRIMARY KEY, code text NOT NULL DEFAULT new_code(), at timestamptz NOT NULL);
CREATE INDEX post_at_desc ON post (neg(at));
`)
	res := convert(t, conn, "test")
	got := specText(res)
	for _, want := range []string{"code: {type: text, default: new_code()}", `{expr: neg(at)}`} {
		if !strings.Contains(got, want) {
			t.Errorf("the spec lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "before_tables: true") != 2 {
		t.Errorf("want both functions before the tables:\n%s", got)
	}
}

// TestTableSettingsReported: a table's storage options, UNLOGGED and
// row-level security, which sql objects set, are each reported with the
// table, as every other object kept as SQL is (Plausible's oban_peers is
// unlogged): the report counted the sql objects but did not name them.
func TestTableSettingsReported(t *testing.T) {
	conn := loadedConn(t, "settings", `
CREATE TABLE packed (id int PRIMARY KEY) WITH (fillfactor = 70);
CREATE UNLOGGED TABLE peers (name text PRIMARY KEY);
CREATE TABLE notes (id int PRIMARY KEY);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
`)
	wantFindings(t, convert(t, conn, "test"), func(kind string) bool { return kind == "table" },
		"table notes: kept as sql_object: row-level security is enabled or forced on it, which specs do not declare: an sql object sets it",
		"table packed: kept as sql_object: its storage options (fillfactor=70), which specs do not declare: an sql object sets them",
		"table peers: kept as sql_object: it is UNLOGGED, which specs do not declare: an sql object sets it unlogged")
}

// TestForeignCastReported: a cast between types that are not the
// schema's, without a function of it (CREATE CAST (text AS json),
// pgquarrel's cast tests), belongs to the database and was left out
// without a word. It is reported; a cast of the schema's type is
// carried, and the server's own casts are neither.
func TestForeignCastReported(t *testing.T) {
	conn := loadedConn(t, "foreign_cast", `
CREATE CAST (text AS json) WITHOUT FUNCTION;
CREATE TYPE pair AS (a int, b int);
CREATE CAST (pair AS text) WITH INOUT;
`)
	wantFindings(t, convert(t, conn, "test"), func(kind string) bool { return kind == "cast" },
		"cast (text AS json): not imported: import does not carry objects of kind cast; add it by hand as an sql_objects entry of kind other (with drop:)",
		"cast (pair AS text): kept as sql_object: casts are SQL objects of kind other; this one's function and types are created before the tables, so it is too (before_tables: true), for the checks, defaults and indexes that use it")
}

// wantFindings checks that the findings of res of the kinds keep selects
// are want, in any order.
func wantFindings(t *testing.T, res *Result, keep func(kind string) bool, want ...string) {
	t.Helper()
	var got []string
	for _, f := range res.Findings {
		if keep(f.Kind) {
			got = append(got, f.String())
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNotCarriedReported: the objects of the schema import does not
// carry are each reported by kind and name (an operator class with the
// family it makes once, a family of its own too, a base type made of a
// shell, a foreign table, a publication of all tables, an event trigger
// calling a function of the schema, which is the database's and not in
// the schema, as Kill Bill's that alters serial columns; a text search
// parser and template and a conversion, which pgAdmin's schema diff
// tests make; a trigger of another schema's table calling a function of
// the schema, as Supabase's on_auth_user_created on auth.users, which
// no report named); an extension's
// in the same schema (pg_trgm's operator classes and operators) are not,
// and operators are carried.
func TestNotCarriedReported(t *testing.T) {
	conn := loadedConn(t, "classes", `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw;
CREATE FOREIGN TABLE far (id int) SERVER remote;
CREATE FUNCTION abs_lt(a int, b int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select abs(a) < abs(b)';
CREATE FUNCTION abs_cmp(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'select sign(abs(a) - abs(b))::int';
CREATE OPERATOR <| (FUNCTION = abs_lt, LEFTARG = int, RIGHTARG = int);
CREATE OPERATOR CLASS abs_ops FOR TYPE int USING btree AS OPERATOR 1 <|, FUNCTION 1 abs_cmp(int, int);
CREATE OPERATOR FAMILY loose_ops USING hash;
CREATE TYPE opaque_thing;
CREATE TABLE t (id int PRIMARY KEY, name text);
CREATE PUBLICATION t_changes FOR ALL TABLES;
CREATE PUBLICATION realtime;
CREATE FUNCTION on_create() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER on_create_table ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION on_create();
CREATE TEXT SEARCH PARSER words (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype);
CREATE TEXT SEARCH TEMPLATE plain (LEXIZE = dsimple_lexize);
CREATE CONVERSION latin_to_utf8 FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE SCHEMA auth;
CREATE TABLE auth.users (id int PRIMARY KEY);
CREATE FUNCTION on_user() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION on_user();
`)
	wantFindings(t, convert(t, conn, "test"), func(kind string) bool {
		return strings.HasPrefix(kind, "operator") || kind == "foreign table" || kind == "base type" || strings.HasPrefix(kind, "publication") || kind == "event trigger" ||
			strings.HasPrefix(kind, "text search") || kind == "conversion" || kind == "trigger on another schema's table"
	},
		"base type opaque_thing: not imported: import does not carry objects of kind base type; add it by hand as an sql_objects entry of kind other (with drop:)",
		"conversion latin_to_utf8: not imported: import does not carry objects of kind conversion; add it by hand as an sql_objects entry of kind other (with drop:)",
		"event trigger on_create_table: not imported: import does not carry objects of kind event trigger; add it by hand as an sql_objects entry of kind other (with drop:)",
		"foreign table far: not imported: import does not carry objects of kind foreign table; add it by hand as an sql_objects entry of kind other (with drop:)",
		"operator <| (integer, integer): kept as sql_object: operators are SQL objects of kind other, created before the tables with the functions they call",
		"operator class abs_ops USING btree: not imported: import does not carry objects of kind operator class; add it by hand as an sql_objects entry of kind other (with drop:)",
		"operator family loose_ops USING hash: not imported: import does not carry objects of kind operator family; add it by hand as an sql_objects entry of kind other (with drop:)",
		"publication t_changes: not imported: import does not carry objects of kind publication; add it by hand as an sql_objects entry of kind other (with drop:)",
		"publication without tables realtime: not imported: import does not carry objects of kind publication without tables; add it by hand as an sql_objects entry of kind other (with drop:)",
		"text search parser words: not imported: import does not carry objects of kind text search parser; add it by hand as an sql_objects entry of kind other (with drop:)",
		"text search template plain: not imported: import does not carry objects of kind text search template; add it by hand as an sql_objects entry of kind other (with drop:)",
		"trigger on another schema's table auth.users.on_auth_user_created: not imported: import does not carry objects of kind trigger on another schema's table; add it by hand as an sql_objects entry of kind other (with drop:)")
}

// TestOtherSchemaTypes: a schema holding only types (an enum, a domain),
// or only a collation, is reported as not imported like one holding
// tables, and a table whose column has a type of another schema is kept
// as SQL, saying that schema must exist where the migrations run; an
// extension's type in another schema (citext) and a type of pg_catalog
// are not.
func TestOtherSchemaTypes(t *testing.T) {
	conn := loadedConn(t, "other", `
CREATE SCHEMA foo;
CREATE TYPE foo.status AS ENUM ('active', 'inactive');
CREATE DOMAIN foo.code AS text CHECK (VALUE <> '');
CREATE SCHEMA ext;
CREATE EXTENSION IF NOT EXISTS citext SCHEMA ext;
CREATE TABLE users (id int PRIMARY KEY, status foo.status, codes foo.code[]);
CREATE TABLE names (id int PRIMARY KEY, name ext.citext, at timestamptz);
CREATE SCHEMA coll;
CREATE COLLATION coll.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
`)
	res := convert(t, conn, "test")
	wantFindings(t, res, func(kind string) bool { return kind == "schema" || kind == "table" },
		"schema coll: not imported: cpcgen projects hold one schema; import it into a project of its own with --schema coll",
		"schema foo: not imported: cpcgen projects hold one schema; import it into a project of its own with --schema foo",
		`table users: kept as sql_object: column "status" has type foo.status, a type of schema foo, which import does not read; that schema must exist where the migrations run (for cpcgen's temporary databases: migrations.external); no Go code is generated for it`)
}

// TestOtherSchemaTypeUses: a composite type, a range type and a domain
// of the schema that use another schema's type are kept as SQL, saying
// that schema must exist where the migrations run, where the notes said
// nothing of it and migrate diff --dev-url stopped at schema "geo" does
// not exist; an extension's type in another schema (citext) needs no
// such word.
func TestOtherSchemaTypeUses(t *testing.T) {
	conn := loadedConn(t, "othertypeuses", `
CREATE SCHEMA geo;
CREATE TYPE geo.point2 AS (x int, y int);
CREATE SCHEMA ext;
CREATE EXTENSION IF NOT EXISTS citext SCHEMA ext;
CREATE TYPE shape AS (p geo.point2, label ext.citext);
CREATE TYPE point2_range AS RANGE (subtype = geo.point2);
CREATE DOMAIN corners AS geo.point2[];
CREATE TYPE tag AS (name ext.citext);
`)
	res := convert(t, conn, "test")
	const must = "; it uses geo.point2, of another schema, which import does not read; that schema must exist where the migrations run (for cpcgen's temporary databases: migrations.external)"
	wantFindings(t, res, func(kind string) bool { return kind == "type" || kind == "domain" },
		"domain corners: kept as sql_object: domains are SQL objects, created before the tables; columns of the domain declare its base type"+must,
		"type point2_range: kept as sql_object: composite and range types are SQL objects, created before the tables"+must,
		"type shape: kept as sql_object: composite and range types are SQL objects, created before the tables"+must,
		"type tag: kept as sql_object: composite and range types are SQL objects, created before the tables")
}

// TestUnreadableView: a materialized view a trigger's function made
// over its transition table (PostgreSQL 15 creates it, then cannot print
// its definition: unrecognized RTE kind: 7) stopped the import with that
// server error alone; the error now names the view and says to drop it
// or make it again over a table.
func TestUnreadableView(t *testing.T) {
	conn := testConn(t)
	_, err := conn.Exec(context.Background(), `
CREATE TABLE t (id int PRIMARY KEY, v text);
CREATE VIEW t_ids AS SELECT id FROM t;
CREATE FUNCTION snap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  CREATE MATERIALIZED VIEW t_snap AS SELECT * FROM newrows;
  RETURN NULL;
END $$;
CREATE TRIGGER t_snap AFTER INSERT ON t REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION snap();
INSERT INTO t VALUES (1, 'a');
`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Inspect(context.Background(), conn, "")
	if err == nil || !strings.Contains(err.Error(), "materialized view t_snap: PostgreSQL cannot print its definition") ||
		!strings.Contains(err.Error(), "transition table") || !strings.Contains(err.Error(), "DROP MATERIALIZED VIEW t_snap") {
		t.Fatalf("got %v, want an error naming materialized view t_snap and what to do", err)
	}
}

// TestApplyDDLPublicSchema: a file pg_dump --schema-only --schema public
// wrote holds CREATE SCHEMA public, which the temporary database import
// --sql replays into already has: the import stopped at schema "public"
// already exists. The statement is left out; one creating a schema that
// the file made before still stops it.
func TestApplyDDLPublicSchema(t *testing.T) {
	conn := loadedConn(t, "structure.sql", `CREATE SCHEMA public;
COMMENT ON SCHEMA public IS 'standard public schema';
CREATE TABLE public.t (id int PRIMARY KEY);
`)
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_class WHERE relname = 't'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("table t: %d %v", n, err)
	}
	if _, err := ApplyDDL(context.Background(), conn, "twice.sql", "CREATE SCHEMA app AUTHORIZATION CURRENT_USER;\nCREATE SCHEMA app AUTHORIZATION CURRENT_USER;\n"); err == nil {
		t.Fatal("a second CREATE SCHEMA app AUTHORIZATION …: no error")
	}
}

// TestOtherSchemaParent: a partition of another schema's table, and a
// table inheriting from one, are kept as SQL naming their parent with
// its schema, saying that schema must exist where the migrations run;
// a table of the imported schema with the parent's name is another
// (the partition was made PARTITION OF it, unqualified, and the
// migrations failed). A trigger PostgreSQL made on such a partition
// from the parent's, enabled otherwise, keeps its state by an sql
// object (pg_dump's dump_test_second_schema.measurement_y2006m3).
func TestOtherSchemaParent(t *testing.T) {
	other := `CREATE SCHEMA foo;
CREATE TABLE foo.events (id int NOT NULL, at date NOT NULL, double int GENERATED ALWAYS AS (id * 2) STORED) PARTITION BY RANGE (at);
CREATE TABLE foo.people (id int NOT NULL, name text);
CREATE FUNCTION foo.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER touch BEFORE INSERT ON foo.events FOR EACH ROW EXECUTE FUNCTION foo.touch();
`
	res := convert(t, loadedConn(t, "otherparent", other+`CREATE TABLE events (id int PRIMARY KEY, note text);
CREATE TABLE events_2024 PARTITION OF foo.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE events_2024 DISABLE TRIGGER touch;
CREATE TABLE kids (age int) INHERITS (foo.people);
`), "test")
	wantFindings(t, res, func(kind string) bool { return kind == "table" || kind == "trigger" },
		"table events_2024: kept as sql_object: it is a partition of foo.events, a table of schema foo, which import does not read; that schema must exist where the migrations run (for cpcgen's temporary databases: migrations.external); no Go code is generated for it",
		"table kids: kept as sql_object: it inherits from foo.people; no Go code is generated for it",
		"trigger events_2024.touch: kept as sql_object: PostgreSQL made it on the partition from its parent's, and it is enabled otherwise (ALTER TABLE events_2024 DISABLE TRIGGER touch): an sql object sets that state")
	var spec struct {
		Objects []struct{ Name, SQL, Drop string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn := loadedConn(t, "otherparentagain", other)
	var made []string
	for _, o := range spec.Objects {
		made = append(made, o.Name)
		if _, err := ApplyDDL(ctx, conn, o.Name, o.SQL); err != nil {
			t.Fatalf("%v\n%s", err, res.Files[0].Data)
		}
	}
	var state string
	if err := conn.QueryRow(ctx, `SELECT tgenabled::text FROM pg_trigger WHERE tgrelid = 'public.events_2024'::regclass`).Scan(&state); err != nil || state != "D" {
		t.Errorf("trigger of events_2024: state %q (%v), want D", state, err)
	}
	for i := len(spec.Objects) - 1; i >= 0; i-- {
		if o := spec.Objects[i]; o.Drop != "" {
			if _, err := ApplyDDL(ctx, conn, o.Name+" drop", o.Drop); err != nil {
				t.Errorf("drop of %s: %v", o.Name, err)
			}
		}
	}
	if want := []string{"kids", "events_2024", "events_2024_trigger_states"}; !slices.Equal(made, want) {
		t.Errorf("sql objects %v, want %v:\n%s", made, want, res.Files[0].Data)
	}
}

// TestTableAccessMethod: a table made USING a table access method other
// than heap is kept as SQL with its USING clause, where it became a spec
// table made with heap, silently; a materialized view stored so is
// reported (pgcodekeeper's modify_table_access_method); an access
// method the schema's tables or indexes use, or whose handler is the
// schema's, made by no extension, is reported as not imported, as an
// operator class is.
func TestTableAccessMethod(t *testing.T) {
	conn := loadedConn(t, "am", `
CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;
CREATE ACCESS METHOD unused TYPE TABLE HANDLER heap_tableam_handler;
CREATE TABLE events (id int PRIMARY KEY, body text) USING heap2 WITH (fillfactor = 90);
CREATE TABLE plain (id int PRIMARY KEY);
CREATE MATERIALIZED VIEW recent USING heap2 AS SELECT id FROM plain;
CREATE FUNCTION my_am(internal) RETURNS table_am_handler LANGUAGE internal STRICT AS 'heap_tableam_handler';
CREATE ACCESS METHOD my_am TYPE TABLE HANDLER my_am;
`)
	res := convert(t, conn, "test")
	wantFindings(t, res, func(kind string) bool { return strings.Contains(kind, "access method") || kind == "table" },
		"access method heap2 (TYPE TABLE): not imported: import does not carry objects of kind access method; add it by hand as an sql_objects entry of kind other (with drop:)",
		"access method my_am (TYPE TABLE): not imported: import does not carry objects of kind access method; add it by hand as an sql_objects entry of kind other (with drop:)",
		"table access method recent USING heap2: not imported: import does not carry objects of kind table access method; add it by hand as an sql_objects entry of kind other (with drop:)",
		"table events: kept as sql_object: it uses table access method heap2, which specs do not declare; no Go code is generated for it")
	got := string(res.Files[0].Data)
	if !strings.Contains(got, ") USING heap2 WITH (fillfactor=90)") {
		t.Errorf("the kept table lacks its access method:\n%s", got)
	}
	if !strings.Contains(got, "\n  plain:\n") {
		t.Errorf("the heap table is not a spec table:\n%s", got)
	}
}

// TestSQLTableFunctionDefaults: a table kept as SQL (a partition with a
// comment of its own) makes a default calling a function that can be
// created before the tables with the table, that function before the
// tables, as a declared table does; a default calling one that reads a
// table is set after, by an sql object saying why. A generated column of
// the partition gets no default.
func TestSQLTableFunctionDefaults(t *testing.T) {
	conn := loadedConn(t, "defaults", `
CREATE FUNCTION new_code() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
CREATE TABLE counters (name text PRIMARY KEY, n bigint NOT NULL);
CREATE FUNCTION next_ticket() RETURNS bigint LANGUAGE sql AS $$ UPDATE counters SET n = n + 1 WHERE name = 'ticket' RETURNING n $$;
CREATE TABLE payment (id int NOT NULL, at date NOT NULL, amount int NOT NULL, code text NOT NULL DEFAULT new_code(),
  ticket bigint DEFAULT next_ticket(), double int GENERATED ALWAYS AS (amount * 2) STORED) PARTITION BY RANGE (at);
CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
COMMENT ON TABLE payment_2024 IS 'the year 2024';
`)
	res := convert(t, conn, "test")
	got := string(res.Files[0].Data)
	for _, want := range []string{
		"ALTER TABLE payment_2024 ALTER COLUMN code SET DEFAULT new_code()",
		"ALTER TABLE payment_2024 ALTER COLUMN ticket SET DEFAULT next_ticket()",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the spec lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "SET DEFAULT (amount * 2)") {
		t.Errorf("the generated column gets a default:\n%s", got)
	}
	if strings.Contains(got, "payment_2024_code_default") {
		t.Errorf("an sql object sets the default of payment_2024.code:\n%s", got)
	}
	var notes []string
	for _, f := range res.Findings {
		if f.Kind == "column" {
			notes = append(notes, f.String())
		}
	}
	want := []string{
		"column payment.ticket: kept as sql_object: its default next_ticket() calls function next_ticket, which names counters, so it cannot be created before the tables: an sql object after them sets the default and the spec declares none, so Create always sends the insert struct's field, and the default applies only to inserts that leave the column out (raw SQL)",
		"column payment_2024.ticket: kept as sql_object: its default next_ticket() calls function next_ticket, which names counters, so it cannot be created before the tables: an sql object after them sets the default",
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes on columns:\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
}

// TestPLpgSQLViewVariables: a PL/pgSQL function declaring variables of a
// view's row type depends on the view, which PostgreSQL's check resolves
// when it creates the function; a view named only in its statements, not
// in a DECLARE section, is not a dependency. A comment or a string
// saying "begin" does not end a DECLARE section, nor does one saying
// "declare" start one.
func TestPLpgSQLViewVariables(t *testing.T) {
	conn := loadedConn(t, "plpgsql", `
CREATE TABLE alarm (id int PRIMARY KEY, acked boolean NOT NULL DEFAULT false);
CREATE VIEW alarm_info AS SELECT id, acked FROM alarm;
CREATE VIEW alarm_ids AS SELECT id FROM alarm;
CREATE VIEW acked_alarms AS SELECT id FROM alarm WHERE acked;
CREATE VIEW open_alarms AS SELECT id FROM alarm WHERE NOT acked;
CREATE VIEW closed_alarms AS SELECT id FROM alarm WHERE acked;
CREATE FUNCTION acknowledge(a_id int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  -- the row we begin with
  label text := 'begin; /* begin */';
  result alarm_info;
  /* where to begin: */ r public.alarm_ids%ROWTYPE;
BEGIN
  -- declare nothing: closed_alarms;
  DECLARE
    x acked_alarms.id%TYPE;
  BEGIN
    RAISE NOTICE 'declare y closed_alarms; begin';
    SELECT count(*) INTO x FROM open_alarms;
    RETURN x;
  END;
END $$;
`)
	res := convert(t, conn, "test")
	got := string(res.Files[0].Data)
	if want := "  - name: acknowledge\n    kind: function\n    depends_on: [acked_alarms, alarm_ids, alarm_info]\n"; !strings.Contains(got, want) {
		t.Errorf("the spec lacks\n%s\n%s", want, got)
	}
}

// TestNestedSameOp: an AND directly under an AND (or OR under OR), as
// PostgreSQL prints an expression without pretty-printing, is found; an
// AND under an OR, one inside a call or after NOT, and flat ones are not.
func TestNestedSameOp(t *testing.T) {
	for expr, want := range map[string]bool{
		"CHECK (((a > 0) AND ((b > 0) AND (c > 0))))":                                        true,
		"((a > 0) OR ((b > 0) OR (c > 0)))":                                                  true,
		"(((a > 0) AND (b > 0)) AND (c > 0))":                                                true,
		"(((a > 0) AND (b > 0)) OR ((c > 0) AND (d > 0)))":                                   false,
		"((a > 0) AND (b > 0) AND (c > 0))":                                                  false,
		"((a > 0) AND (NOT ((b > 0) AND (c > 0))))":                                          false,
		"((a > 0) AND f(((b > 0) AND (c > 0))))":                                             false,
		"((a = ' AND (x') AND (\"and\" > 0))":                                                false,
		"CHECK ((((m = 'B'::t) AND ((u IS NOT NULL) AND (p IS NOT NULL))) OR (m = 'A'::t)))": true,
	} {
		if got := nestedSameOp(expr); got != want {
			t.Errorf("nestedSameOp(%q) = %v, want %v", expr, got, want)
		}
	}
}

// TestPartitionIndexSwap: the indexes of a partition that PostgreSQL
// named, the parent's indexes made out of name order, each under the
// name migrations give the other, are renamed by one sql object through
// a free name, and back.
func TestPartitionIndexSwap(t *testing.T) {
	conn := loadedConn(t, "swap", `
CREATE TABLE enriched_facts (organization_id int NOT NULL, external_subscription_id text NOT NULL,
  code text NOT NULL, transaction_id text NOT NULL, "timestamp" timestamp NOT NULL) PARTITION BY RANGE ("timestamp");
CREATE TABLE enriched_facts_default PARTITION OF enriched_facts DEFAULT;
CREATE UNIQUE INDEX idx_unique_on_enriched_facts ON enriched_facts (organization_id, external_subscription_id, transaction_id, "timestamp");
CREATE INDEX idx_lookup_on_enriched_facts ON enriched_facts (organization_id, external_subscription_id, code, "timestamp");
`)
	res := convert(t, conn, "test")
	got := string(res.Files[0].Data)
	want := `  - name: enriched_facts_default_index_names
    kind: other
    depends_on: [enriched_facts]
    sql: |-
      ALTER INDEX enriched_facts_default_organization_id_external_subscriptio_idx RENAME TO cpcgen_rename;
      ALTER INDEX enriched_facts_default_organization_id_external_subscripti_idx1 RENAME TO enriched_facts_default_organization_id_external_subscriptio_idx;
      ALTER INDEX cpcgen_rename RENAME TO enriched_facts_default_organization_id_external_subscripti_idx1
    drop: |-
`
	if !strings.Contains(got, want) {
		t.Errorf("the spec lacks\n%s\n%s", want, got)
	}
}

// TestHeaderNamesOneLine: the header comment of the spec files names the
// database imported, and a database's name may hold line breaks: one
// named so that the rest of its name read as a table of the spec wrote
// that table into the spec. The name is quoted instead.
func TestHeaderNamesOneLine(t *testing.T) {
	conn := loadedConn(t, "header", "CREATE TABLE t (id int PRIMARY KEY);\n")
	res := convert(t, conn, "database evil\ntables:\n  injected:\n    columns:\n      id: {type: bigint, primary_key: true}\n#")
	for _, f := range res.Files {
		first, rest, _ := strings.Cut(string(f.Data), "\n")
		if !strings.HasPrefix(first, `# Imported by cpcgen import from "database evil\ntables:`) {
			t.Errorf("%s: header %q", f.Path, first)
		}
		var spec struct{ Tables map[string]any }
		if err := yaml.Unmarshal(f.Data, &spec); err != nil {
			t.Fatalf("%s: %v\n%s", f.Path, err, f.Data)
		}
		if _, ok := spec.Tables["injected"]; ok || strings.Contains(rest, "injected") {
			t.Errorf("%s: the database's name wrote a table:\n%s", f.Path, f.Data)
		}
	}
}

// TestArrayCoercionKept: a varchar column compared with a list (kind IN
// ('a', 'b')) is an array of varchar coerced to text[] as a whole, which
// PostgreSQL prints ARRAY['a'::character varying, …]::text[] and parses
// back into a cast of each element (Logto's service_logs indexes): the
// checks, partial indexes, views, policies and domain checks import
// wrote made other expressions, which pg_dump and a second import
// printed otherwise. Made again from what import read, each reads back
// the same.
func TestArrayCoercionKept(t *testing.T) {
	readsBackSame(t, "CREATE TABLE t (id int PRIMARY KEY, kind varchar(8), tags varchar[]);\nCREATE DOMAIN d AS varchar(8);\n", `
ALTER TABLE t ADD CONSTRAINT t_kind CHECK (kind IN ('a', 'b') OR tags && ARRAY['x', NULL]::varchar[]);
CREATE INDEX t_ab ON t (id) WHERE kind IN ('a', 'b');
CREATE INDEX t_cd ON t (id) WHERE kind NOT IN ('c', 'd') AND id > 0 AND (kind IN ('e') OR id < 9);
ALTER DOMAIN d ADD CONSTRAINT d_ab CHECK (VALUE IN ('a', 'b'));
CREATE VIEW v AS SELECT id, kind IN ('a', 'b') AS ab FROM t WHERE kind IN ('a', 'b');
CREATE POLICY p ON t USING (kind IN ('a', 'b'));
`, func(cat *Catalog) []string {
		var out []string
		for _, tb := range cat.Tables {
			for _, k := range tb.Constraints {
				if k.Type == "c" {
					out = append(out, "ALTER TABLE "+tb.Name+" ADD CONSTRAINT "+k.Name+" "+k.Def)
				}
			}
			for _, x := range tb.Indexes {
				out = append(out, "CREATE INDEX "+x.Name+" ON "+tb.Name+" (id) WHERE "+x.Where)
			}
		}
		for _, d := range cat.Domains {
			for _, k := range d.Checks {
				out = append(out, "ALTER DOMAIN "+d.Name+" ADD CONSTRAINT "+k.Name+" "+k.Def)
			}
		}
		return append(out, viewsAndPolicies(cat)...)
	})
}

// readsBackSame loads tables and ddl into a database, reads it with
// Inspect, makes the objects again in another database from the
// statements stmts writes for what import read, and checks that they
// read back the same.
func readsBackSame(t *testing.T, tables, ddl string, stmts func(*Catalog) []string) {
	t.Helper()
	read := func(conn *pgx.Conn) []string {
		cat, err := Inspect(context.Background(), conn, "")
		if err != nil {
			t.Fatal(err)
		}
		return stmts(cat)
	}
	first := read(loadedConn(t, "first", tables+ddl))
	second := read(loadedConn(t, "again", tables+strings.Join(first, ";\n")+";\n"))
	if !slices.Equal(first, second) {
		t.Errorf("made again from what import read, the objects read back otherwise:\n%s\nwant\n%s", strings.Join(second, "\n"), strings.Join(first, "\n"))
	}
}

// viewsAndPolicies writes the catalog's views and policies.
func viewsAndPolicies(cat *Catalog) []string {
	var out []string
	for _, v := range cat.Views {
		out = append(out, "CREATE VIEW "+v.Name+" AS "+strings.TrimSuffix(v.Def, ";"))
	}
	for _, p := range cat.Policies {
		out = append(out, p.SQL)
	}
	return out
}

// TestKeepArrayCoercion: an array constructor of constants of one type
// cast as a whole to another array type gains a cast to its own type
// first, pretty-printed or not; other arrays and casts are left alone.
func TestKeepArrayCoercion(t *testing.T) {
	for expr, want := range map[string]string{
		"kind::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])":       "kind::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::character varying[]::text[])",
		"((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))": "((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying]::character varying[])::text[]))",
		"x = ANY (ARRAY['a'::character varying(3), NULL::character varying(3)]::text[]) AND y":   "x = ANY (ARRAY['a'::character varying(3), NULL::character varying(3)]::character varying(3)[]::text[]) AND y",
		"kind::text = ANY (ARRAY['a'::character varying::text, 'b'::character varying::text])":   "kind::text = ANY (ARRAY['a'::character varying::text, 'b'::character varying::text])",
		"x = ANY (ARRAY['a'::text, 'b'::text]::text[])":                                          "x = ANY (ARRAY['a'::text, 'b'::text]::text[])",
		"x = ANY (ARRAY[a, b]::text[])":                                                          "x = ANY (ARRAY[a, b]::text[])",
		"x = ANY (ARRAY['a'::character varying, 'b'::text]::text[])":                             "x = ANY (ARRAY['a'::character varying, 'b'::text]::text[])",
		"f(ARRAY['a'::character varying])::text":                                                 "f(ARRAY['a'::character varying])::text",
		"x = ANY (ARRAY[]::text[])":                                                              "x = ANY (ARRAY[]::text[])",
		"x = 'ARRAY[''a''::character varying]::text[]'":                                          "x = 'ARRAY[''a''::character varying]::text[]'",
		"x && ARRAY['a'::character varying || 'b'::character varying]::text[]":                   "x && ARRAY['a'::character varying || 'b'::character varying]::text[]",
	} {
		if got := keepArrayCoercion(expr); got != want {
			t.Errorf("keepArrayCoercion(%q)\n= %q\nwant %q", expr, got, want)
		}
	}
}

// TestSetOpColumnNamesKept: views and a policy whose subquery's UNION
// has, after its first SELECT, columns without a name (NULL, a cast, a
// call), made again from what import read, read back the same (the music database's
// release_event: PostgreSQL names the column int4 it parses from
// NULL::integer, and pg_dump prints NULL::integer AS int4).
func TestSetOpColumnNamesKept(t *testing.T) {
	readsBackSame(t, "CREATE TABLE a (x integer, d date, s text);\nCREATE TABLE b (x integer, d date, s text);\n", `
CREATE VIEW v AS SELECT x FROM (SELECT x, s FROM a UNION ALL SELECT NULL, upper(s) FROM b) q;
CREATE VIEW w AS SELECT * FROM (SELECT x, d, s IS NULL FROM a EXCEPT SELECT x + 1, now()::date, b.s = '-' FROM b
  UNION SELECT DISTINCT x, CASE WHEN x > 0 THEN d END, s IS DISTINCT FROM 'a' FROM b) q;
CREATE VIEW u AS SELECT x FROM a WHERE x IN (SELECT x FROM a UNION SELECT 1 FROM b);
CREATE POLICY p ON a USING (d IN (SELECT d FROM b UNION SELECT NULL::date));
`, viewsAndPolicies)
}

// TestKeepSetOpColumnNames: a column without a name after the first
// SELECT of a set operation gains its name "?column?"; named ones,
// column references, stars and the first SELECT's are left alone.
func TestKeepSetOpColumnNames(t *testing.T) {
	for def, want := range map[string]string{
		" SELECT a.x\n   FROM a\nUNION ALL\n SELECT NULL::integer\n   FROM b;":                 " SELECT a.x\n   FROM a\nUNION ALL\n SELECT NULL::integer AS \"?column?\"\n   FROM b;",
		"SELECT a.x, a.s FROM a UNION SELECT b.x, upper(b.s) AS s FROM b":                      "SELECT a.x, a.s FROM a UNION SELECT b.x, upper(b.s) AS s FROM b",
		"SELECT 1 UNION ALL (SELECT DISTINCT ON (b.x) b.x, NULL, b.\"S\" FROM b ORDER BY b.x)": "SELECT 1 UNION ALL (SELECT DISTINCT ON (b.x) b.x, NULL AS \"?column?\", b.\"S\" FROM b ORDER BY b.x)",
		"SELECT 1 EXCEPT SELECT b.x IS DISTINCT FROM 2, f(b.x, 3) FROM b":                      "SELECT 1 EXCEPT SELECT b.x IS DISTINCT FROM 2 AS \"?column?\", f(b.x, 3) AS \"?column?\" FROM b",
		"SELECT q.* FROM q UNION SELECT r.* FROM r INTERSECT SELECT 'union' WHERE true":        "SELECT q.* FROM q UNION SELECT r.* FROM r INTERSECT SELECT 'union' AS \"?column?\" WHERE true",
		"SELECT a.x FROM (SELECT 1 AS x UNION SELECT 2) a":                                     "SELECT a.x FROM (SELECT 1 AS x UNION SELECT 2 AS \"?column?\") a",
		"SELECT a.union FROM a WHERE a.s = 'x UNION SELECT 1'":                                 "SELECT a.union FROM a WHERE a.s = 'x UNION SELECT 1'",
	} {
		if got := keepSetOpColumnNames(def); got != want {
			t.Errorf("keepSetOpColumnNames(%q)\n= %q\nwant %q", def, got, want)
		}
	}
}

// TestExtractFieldKept: an EXTRACT whose field is a text constant not
// in lower case (LedgerSMB's periods view: extract('YEAR' from now()))
// prints as EXTRACT(YEAR FROM …), which reads back as the field 'year':
// the view, check, index, default, trigger, policy and SQL-standard
// function import wrote made other objects, which pg_dump printed
// otherwise and migrate baseline took for drift. Made again from what
// import read, each reads back the same.
func TestExtractFieldKept(t *testing.T) {
	readsBackSame(t, "CREATE TABLE t (id int PRIMARY KEY, d timestamptz);\nCREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';\n", `
ALTER TABLE t ADD CONSTRAINT t_y CHECK (extract('YEAR' from d at time zone 'UTC') > 2000 AND extract(year from d at time zone 'UTC') < 3000);
ALTER TABLE t ALTER d SET DEFAULT make_timestamptz(extract('Year' from now())::int, 1, 1, 0, 0, 0);
CREATE INDEX t_dow ON t ((extract('DOW' from d at time zone 'UTC')));
CREATE VIEW v AS SELECT id, extract('YEAR' from d) AS y, extract(epoch from d) AS e, 'extract(YEAR from d)' AS s FROM t;
CREATE POLICY p ON t USING (extract('Month' from d) > 0);
CREATE TRIGGER tt BEFORE UPDATE ON t FOR EACH ROW WHEN (extract('YEAR' from NEW.d) > 2020) EXECUTE FUNCTION tf();
CREATE FUNCTION f(x timestamptz) RETURNS numeric LANGUAGE sql RETURN extract('YEAR' from x);
`, func(cat *Catalog) []string {
		var out []string
		for _, tb := range cat.Tables {
			for _, c := range tb.Columns {
				if c.Default != "" {
					out = append(out, "ALTER TABLE "+tb.Name+" ALTER "+c.Name+" SET DEFAULT "+c.Default)
				}
			}
			for _, k := range tb.Constraints {
				if k.Type == "c" {
					out = append(out, "ALTER TABLE "+tb.Name+" ADD CONSTRAINT "+k.Name+" "+k.Def)
				}
			}
			for _, x := range tb.Indexes {
				if x.Name != "t_pkey" {
					out = append(out, "CREATE INDEX "+x.Name+" ON "+tb.Name+" (("+strings.Join(x.Keys, "), (")+"))")
				}
			}
		}
		for _, tr := range cat.Triggers {
			out = append(out, tr.Def)
		}
		for _, f := range cat.Functions {
			if f.Name == "f" {
				out = append(out, f.Defs...)
			}
		}
		return append(out, viewsAndPolicies(cat)...)
	})
}

// TestKeepExtractField: the field of an EXTRACT not in lower case is
// quoted; one in lower case, and text in strings, are left alone.
func TestKeepExtractField(t *testing.T) {
	for expr, want := range map[string]string{
		"EXTRACT(YEAR FROM now())":                         "EXTRACT('YEAR' FROM now())",
		"(EXTRACT(Month FROM d) + EXTRACT(day FROM d))":    "(EXTRACT('Month' FROM d) + EXTRACT(day FROM d))",
		"EXTRACT(epoch FROM (d AT TIME ZONE 'UTC'::text))": "EXTRACT(epoch FROM (d AT TIME ZONE 'UTC'::text))",
		"'EXTRACT(YEAR FROM d)'::text":                     "'EXTRACT(YEAR FROM d)'::text",
		"extract(YEAR from d) = f(DOW)":                    "extract('YEAR' from d) = f(DOW)",
		"AS $$ SELECT EXTRACT(YEAR FROM d) $$":             "AS $$ SELECT EXTRACT(YEAR FROM d) $$",
	} {
		if got := keepExtractField(expr); got != want {
			t.Errorf("keepExtractField(%q)\n= %q\nwant %q", expr, got, want)
		}
	}
}

// TestAggregateWithoutArguments: an aggregate of no argument, as
// PostgREST's unsupported_agg (*), is made again from what import read
// (CREATE AGGREGATE name(*), where name() is a syntax error) and dropped
// by its DROP AGGREGATE name(*).
func TestAggregateWithoutArguments(t *testing.T) {
	fn := "CREATE FUNCTION dummy(int) RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
	aggregates := func(cat *Catalog) []string {
		var out []string
		for _, f := range cat.Functions {
			if f.Kind == "a" {
				out = append(out, f.Defs...)
				for _, a := range f.Args {
					out = append(out, "DROP AGGREGATE "+f.Name+"("+a+")", f.Defs[0])
				}
			}
		}
		return out
	}
	readsBackSame(t, fn, "CREATE AGGREGATE counted (*) (SFUNC = dummy, STYPE = int);\n", aggregates)
}

// TestAggregateSortOperator: an aggregate with a sort operator
// (temBoard's min(pg_lsn), SORTOP = <) was written SORTOP =
// <(pg_lsn,pg_lsn), which CREATE AGGREGATE refuses, and the first
// migration failed. It is written by the operator's name, with
// OPERATOR() for another schema's, and reads back the same.
func TestAggregateSortOperator(t *testing.T) {
	fns := `CREATE FUNCTION lsn_smaller(a pg_lsn, b pg_lsn) RETURNS pg_lsn LANGUAGE sql AS 'SELECT least(a, b)';
CREATE SCHEMA other_ops;
CREATE FUNCTION other_ops.lt(int, int) RETURNS bool LANGUAGE sql AS 'SELECT $1 < $2';
CREATE OPERATOR other_ops.<<< (FUNCTION = other_ops.lt, LEFTARG = int, RIGHTARG = int);
CREATE FUNCTION smaller(int, int) RETURNS int LANGUAGE sql AS 'SELECT least($1, $2)';
`
	aggregates := func(cat *Catalog) []string {
		var out []string
		for _, f := range cat.Functions {
			if f.Kind == "a" {
				out = append(out, f.Defs...)
			}
		}
		return out
	}
	readsBackSame(t, fns, "CREATE AGGREGATE min(pg_lsn) (SFUNC = lsn_smaller, STYPE = pg_lsn, SORTOP = <);\n"+
		"CREATE AGGREGATE least_of(int) (SFUNC = smaller, STYPE = int, SORTOP = OPERATOR(other_ops.<<<));\n", aggregates)
}

// TestAggregateNamedLikeItsFunction: an aggregate named like the
// function it calls (LedgerSMB's compound_array(anyarray), whose SFUNC
// is compound_array(anyarray, anyarray)) comes first in the catalog's
// order; its sql object was written before the function's, without
// depending on it, and the first migration failed creating it. Made in
// the specs' order, the objects are created; and the function, whose
// CREATE line names the aggregate's name too, does not depend on it.
func TestAggregateNamedLikeItsFunction(t *testing.T) {
	ddl := `CREATE FUNCTION compound_array(ary anyarray, elm anyarray) RETURNS anyarray LANGUAGE sql AS 'SELECT array_cat(ary, elm)';
CREATE AGGREGATE compound_array (BASETYPE = anyarray, STYPE = anyarray, SFUNC = compound_array, INITCOND = '{}');
`
	objs := madeInOrder(t, convert(t, loadedConn(t, "aggregate_like_function", ddl), "test"), testConn(t), 2)
	for _, o := range objs {
		if o.Name == "compound_array" && len(o.DependsOn) > 0 {
			t.Errorf("the function depends on %v, a cycle with the aggregate that calls it", o.DependsOn)
		}
	}
}

// TestOverloadsBesideAggregate: the overloads of a function whose name
// an aggregate shares, with an aggregate's arguments sorting between
// theirs (Liberapay's min(anyelement, anyelement), the aggregate
// min(currency_amount) and min(currency_amount, currency_amount)), and
// a window function beside a plain overload, were read as two
// functions of one name, and the specs did not build ("function min is
// declared twice"). Each name's overloads are one object, created in
// the specs' order.
func TestOverloadsBesideAggregate(t *testing.T) {
	ddl := `CREATE FUNCTION min(a anyelement, b anyelement) RETURNS anyelement LANGUAGE sql AS 'SELECT CASE WHEN a < b THEN a ELSE b END';
CREATE TYPE amt AS (amount numeric, currency text);
CREATE FUNCTION min(amt, amt) RETURNS amt LANGUAGE sql AS 'SELECT $1';
CREATE AGGREGATE min(amt) (SFUNC = min, STYPE = amt);
CREATE FUNCTION ranked() RETURNS bigint LANGUAGE internal WINDOW IMMUTABLE AS 'window_rank';
CREATE FUNCTION ranked(int) RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint';
`
	objs := madeInOrder(t, convert(t, loadedConn(t, "overloads_beside_aggregate", ddl), "test"), testConn(t), 4)
	seen := map[string]bool{}
	for _, o := range objs {
		if seen[o.Name] {
			t.Errorf("two sql objects named %s", o.Name)
		}
		seen[o.Name] = true
	}
}

// TestFunctionNamingQualifiedView: a LANGUAGE sql function that reads a
// view of the schema named with the schema (pgMemento's
// drop_schema_audit_id reads pgmemento.audit_tables), and a PL/pgSQL one
// declaring a variable of its row type so, were written before the view,
// without depending on it, and the first migration failed creating them.
// Made in the specs' order, the objects are created.
func TestFunctionNamingQualifiedView(t *testing.T) {
	table := "CREATE TABLE t (id int PRIMARY KEY);\n"
	ddl := table + `CREATE VIEW v AS SELECT id FROM t;
CREATE FUNCTION f() RETURNS SETOF int LANGUAGE sql AS 'SELECT id FROM public.v';
CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS 'DECLARE r "public".v%ROWTYPE; BEGIN RETURN 1; END';
`
	madeInOrder(t, convert(t, loadedConn(t, "qualified_view", ddl), "test"), loadedConn(t, "tables", table), 3)
}

// TestMixedLanguageOverloads: a LANGUAGE sql overload calling another
// function or reading a view, beside a PL/pgSQL overload of the same
// name (pgTAP's _relcomp calls _temptable), was written before what it
// uses: the PL/pgSQL one hid the others, and the first migration failed
// creating it. Made in the specs' order, the objects are created.
func TestMixedLanguageOverloads(t *testing.T) {
	table := "CREATE TABLE t (id int PRIMARY KEY);\n"
	ddl := table + `CREATE VIEW v AS SELECT id FROM t;
CREATE FUNCTION b_callee() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION a_caller(int) RETURNS int LANGUAGE sql AS 'SELECT b_callee() + $1';
CREATE FUNCTION a_caller(bigint) RETURNS SETOF int LANGUAGE sql AS 'SELECT id FROM v';
CREATE FUNCTION a_caller(text) RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 0; END';
`
	madeInOrder(t, convert(t, loadedConn(t, "mixed_languages", ddl), "test"), loadedConn(t, "tables", table), 3)
}

// TestOverloadChain: LANGUAGE sql overloads calling each other in a
// chain (pgTAP's col_has_check(name, name) calls col_has_check(name,
// name, text), which calls col_has_check(name, name[], text)) are created
// callees first, by the number of arguments each call passes: putting
// every caller after the others made the first before the second.
func TestOverloadChain(t *testing.T) {
	ddl := `CREATE FUNCTION chk(name, name[], text) RETURNS text LANGUAGE sql AS 'SELECT $3';
CREATE FUNCTION chk(name, name, text) RETURNS text LANGUAGE sql AS 'SELECT chk($1, ARRAY[$2], $3)';
CREATE FUNCTION chk(name, name) RETURNS text LANGUAGE sql AS $$SELECT chk($1, $2, 'Column ' || quote_ident($1) || '(x, y)')$$;
CREATE FUNCTION chk(name) RETURNS text LANGUAGE sql AS 'SELECT "chk"($1, ''a'')';
CREATE FUNCTION chk(integer, integer DEFAULT 1) RETURNS text LANGUAGE sql AS 'SELECT $1::text';
CREATE FUNCTION chk(bigint) RETURNS text LANGUAGE sql AS 'SELECT public.chk($1::int)';
`
	madeInOrder(t, convert(t, loadedConn(t, "overload_chain", ddl), "test"), testConn(t), 1)
}

// TestFunctionAttributeNotation: a LANGUAGE sql function calling
// another in attribute notation ($1.details_length, which PostgreSQL
// reads as details_length($1); Supabase postgres-meta's
// details_is_long) was written before it, as no call of the callee's
// name with a parenthesis was found, and the first migration failed
// creating it: column "details_length" not found in data type todos.
// Made in the specs' order, the objects are created.
func TestFunctionAttributeNotation(t *testing.T) {
	table := "CREATE TABLE t (id int PRIMARY KEY, details text);\n"
	ddl := table + `CREATE FUNCTION b_length(t) RETURNS int LANGUAGE sql STABLE AS 'SELECT length($1.details)';
CREATE FUNCTION a_is_long(t) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT $1.b_length > 20';
CREATE FUNCTION a_words(r t) RETURNS int LANGUAGE sql STABLE AS 'SELECT (r)."b_length" + 1';
`
	madeInOrder(t, convert(t, loadedConn(t, "attribute_notation", ddl), "test"), loadedConn(t, "tables", table), 3)
}

// TestFunctionNamedByRegproc: a LANGUAGE sql function whose body names
// another function by a regproc or regprocedure constant ('b_target'::regproc),
// which PostgreSQL looks up when it creates the function, was written
// before it, and the first migration failed: function "b_target" does
// not exist. Made in the specs' order, the objects are created.
func TestFunctionNamedByRegproc(t *testing.T) {
	ddl := `CREATE FUNCTION b_target(int) RETURNS int LANGUAGE sql AS 'SELECT $1';
CREATE FUNCTION c_other() RETURNS int LANGUAGE sql AS 'SELECT 2';
CREATE FUNCTION a_oid() RETURNS oid LANGUAGE sql AS $$SELECT 'b_target'::regproc::oid$$;
CREATE FUNCTION a_sig() RETURNS text LANGUAGE sql AS $$SELECT pg_get_functiondef('public.c_other()'::regprocedure)$$;
`
	madeInOrder(t, convert(t, loadedConn(t, "regproc", ddl), "test"), testConn(t), 4)
}

// TestShellOperator: CREATE OPERATOR = (…, NEGATOR = <>) makes the
// operator <> a shell, without a function (Spacewalk's evr_t
// operators). Import wrote it as an operator of its own, CREATE OPERATOR
// <> (FUNCTION = -, …), which the first migration could not create;
// and the down of the one that made it left it behind, so the type it
// takes could not be dropped. Made in the specs' order and dropped in
// the reverse one, the objects leave nothing.
func TestShellOperator(t *testing.T) {
	ddl := `CREATE TYPE evr AS (e int, v text);
CREATE FUNCTION evr_eq(a evr, b evr) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT a.e = b.e AND a.v = b.v';
CREATE OPERATOR = (FUNCTION = evr_eq, LEFTARG = evr, RIGHTARG = evr, NEGATOR = <>, COMMUTATOR = =);
`
	res := convert(t, loadedConn(t, "shell_operator", ddl), "test")
	var spec struct {
		Objects []struct{ Name, SQL, Drop string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn := testConn(t)
	for _, o := range spec.Objects {
		if strings.Contains(o.SQL, "FUNCTION = -") {
			t.Errorf("sql object %s creates a shell operator: %s", o.Name, o.SQL)
		}
		if _, err := ApplyDDL(ctx, conn, o.Name, o.SQL); err != nil {
			t.Fatalf("sql object %s, made in the specs' order: %v", o.Name, err)
		}
	}
	for _, o := range slices.Backward(spec.Objects) {
		drop := o.Drop
		if drop == "" {
			continue // a function or type: dropped last, below
		}
		if _, err := ApplyDDL(ctx, conn, o.Name, drop); err != nil {
			t.Fatalf("sql object %s, dropped: %v", o.Name, err)
		}
	}
	if _, err := ApplyDDL(ctx, conn, "rest", "DROP FUNCTION evr_eq(evr, evr); DROP TYPE evr;"); err != nil {
		t.Errorf("the type, once the operators are dropped: %v", err)
	}
}

// TestOperatorShadowingCatalog: an operator with the name and argument
// types of one of pg_catalog's (> (integer, integer) of the schema),
// which PostgreSQL finds first for an unqualified name whatever the
// search_path, was dropped as DROP OPERATOR > (integer, integer), which
// named pg_catalog's and failed (it is required by the database
// system), and commented on as COMMENT ON OPERATOR, which named
// pg_catalog's too; the shell operator its COMMUTATOR made of the
// schema's < (integer, integer), as pg_dump writes it, was left behind:
// its drop looked for one without a function by the unqualified name. The
// objects make the schema's operators, with the comment on the
// schema's, and drop them, leaving pg_catalog's as they were.
func TestOperatorShadowingCatalog(t *testing.T) {
	ddl := `CREATE FUNCTION cmp(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 < $2';
DO $$ BEGIN
EXECUTE format('CREATE OPERATOR %I.> (FUNCTION = cmp, LEFTARG = integer, RIGHTARG = integer, COMMUTATOR = OPERATOR(%I.<))', current_schema(), current_schema());
EXECUTE format('COMMENT ON OPERATOR %I.> (integer, integer) IS %L', current_schema(), 'the schema''s');
END $$;
`
	res := convert(t, loadedConn(t, "operator_shadow", ddl), "test")
	var spec struct {
		Objects []struct{ Name, SQL, Drop string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn := testConn(t)
	state := func() []string {
		return queryStrings(t, conn, `
SELECT format('%s.%s(%s, %s) %s', CASE WHEN o.oprnamespace = current_schema()::regnamespace THEN 'schema' ELSE o.oprnamespace::regnamespace::text END, o.oprname, o.oprleft::regtype, o.oprright::regtype,
  coalesce(obj_description(o.oid, 'pg_operator'), '-'))
FROM pg_operator o
WHERE o.oprname IN ('>', '<') AND o.oprleft = 'integer'::regtype AND o.oprright = 'integer'::regtype
ORDER BY 1`)
	}
	before := state()
	for _, o := range spec.Objects {
		if _, err := ApplyDDL(ctx, conn, o.Name, o.SQL); err != nil {
			t.Fatalf("sql object %s, made in the specs' order: %v", o.Name, err)
		}
	}
	want := append(slices.Clone(before), "schema.<(integer, integer) -", "schema.>(integer, integer) the schema's")
	slices.Sort(want)
	if got := state(); !slices.Equal(got, want) {
		t.Errorf("made, the operators are\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, o := range slices.Backward(spec.Objects) {
		drop := o.Drop
		if drop == "" {
			drop = "DROP FUNCTION cmp(integer, integer)"
		}
		if _, err := ApplyDDL(ctx, conn, o.Name, drop); err != nil {
			t.Fatalf("sql object %s, dropped: %v", o.Name, err)
		}
	}
	if got := state(); !slices.Equal(got, before) {
		t.Errorf("dropped, the operators are\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
	}
}

// TestFunctionOfViewRowType: a function whose result or argument is a
// view's row type (pgledger's pgledger_create_account RETURNS SETOF
// pgledger_accounts_view), in PL/pgSQL too, was written before the
// view, without depending on it, and the first migration failed
// creating it. Made in the specs' order, the objects are created.
func TestFunctionOfViewRowType(t *testing.T) {
	table := "CREATE TABLE t (id int PRIMARY KEY);\n"
	ddl := table + `CREATE VIEW v AS SELECT id FROM t;
CREATE FUNCTION f() RETURNS SETOF v LANGUAGE plpgsql AS 'BEGIN RETURN QUERY SELECT id FROM t; END';
CREATE FUNCTION g(r public.v) RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN r.id; END';
`
	madeInOrder(t, convert(t, loadedConn(t, "view_row_type", ddl), "test"), loadedConn(t, "tables", table), 3)
}

// TestMaterializedViewSettings: what a materialized view and its indexes
// have besides their definitions (the index it is clustered on, an
// index's comment and statistics targets, its columns' statistics
// targets, options, storage and compression) is kept in its sql object:
// the view made again from that object has the same settings.
func TestMaterializedViewSettings(t *testing.T) {
	tables := "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL, body text);\n"
	ddl := `CREATE MATERIALIZED VIEW mv AS SELECT id, n, body FROM t;
CREATE UNIQUE INDEX mv_id ON mv (id);
CREATE INDEX "mv n" ON mv ((n + 1));
COMMENT ON INDEX "mv n" IS 'n''s';
ALTER INDEX "mv n" ALTER COLUMN 1 SET STATISTICS 300;
ALTER MATERIALIZED VIEW mv CLUSTER ON mv_id;
ALTER MATERIALIZED VIEW mv ALTER COLUMN n SET STATISTICS 500;
ALTER MATERIALIZED VIEW mv ALTER COLUMN id SET (n_distinct = 10);
ALTER MATERIALIZED VIEW mv ALTER COLUMN body SET STORAGE MAIN;
ALTER MATERIALIZED VIEW mv ALTER COLUMN body SET COMPRESSION pglz;
`
	settings := func(conn *pgx.Conn) []string {
		return queryStrings(t, conn, `
SELECT format('%s.%s: statistics %s, options %s, storage %s, compression %s, comment %s, clustered %s',
  c.relname, a.attname, coalesce(a.attstattarget::int, -1), a.attoptions, a.attstorage, a.attcompression,
  obj_description(c.oid, 'pg_class'), (SELECT i.indisclustered FROM pg_index i WHERE i.indexrelid = c.oid))
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = current_schema()::regnamespace AND c.relname LIKE 'mv%'
ORDER BY c.relname, a.attnum`)
	}
	orig := loadedConn(t, "mvsettings", tables+ddl)
	cat, err := Inspect(context.Background(), orig, "")
	if err != nil {
		t.Fatal(err)
	}
	c := &converter{cat: cat, res: &Result{}}
	var objects []string
	for _, v := range cat.Views {
		objects = append(objects, c.view(v).sql)
	}
	again := loadedConn(t, "mvagain", tables+strings.Join(objects, ";\n")+";\n")
	if want, got := settings(orig), settings(again); !slices.Equal(want, got) {
		t.Errorf("made again from its sql object, the materialized view has other settings:\n%s\nwant\n%s\nobject:\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"), strings.Join(objects, "\n"))
	}
}

// TestPartitionKeptAsSQLDetached: a partition kept as an sql object (for
// its storage options, as pgbench's with --partitions; for a comment of
// its own) is detached before it is dropped:
// PostgreSQL refuses to drop a partition of a table that a foreign key
// references.
func TestPartitionKeptAsSQLDetached(t *testing.T) {
	tables := `CREATE TABLE accounts (aid int PRIMARY KEY, note text) PARTITION BY HASH (aid);
CREATE TABLE history (aid int REFERENCES accounts);
`
	parts := `CREATE TABLE accounts_1 PARTITION OF accounts FOR VALUES WITH (modulus 2, remainder 0) WITH (fillfactor=100);
CREATE TABLE accounts_2 PARTITION OF accounts FOR VALUES WITH (modulus 2, remainder 1);
COMMENT ON TABLE accounts_2 IS 'the second half';
`
	res := convert(t, loadedConn(t, "keptpart", tables+parts), "test")
	var spec struct {
		Objects []struct{ Name, SQL, Drop string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn := loadedConn(t, "keptpartagain", tables)
	var made int
	for _, o := range spec.Objects {
		if o.Name != "accounts_1" && o.Name != "accounts_2" {
			continue
		}
		made++
		if _, err := ApplyDDL(ctx, conn, o.Name, o.SQL); err != nil {
			t.Fatal(err)
		}
		if _, err := ApplyDDL(ctx, conn, o.Name+" drop", o.Drop); err != nil {
			t.Errorf("drop of partition %s kept as SQL: %v", o.Name, err)
		}
	}
	if made != 2 {
		t.Errorf("%d partitions kept as sql objects, want 2:\n%s", made, res.Files[0].Data)
	}
}

// TestPartitionOwnIndexDeclared: a partition with an index of its own
// (attached to no index of its parent) stays declared in its parent's
// partitions:, and an sql object makes the index after it. Kept as SQL
// for the index, the partition was dropped and made again, without its
// rows, by the first migration after such an index was added or dropped.
func TestPartitionOwnIndexDeclared(t *testing.T) {
	tables := `CREATE TABLE events (id int NOT NULL, kind text NOT NULL, note text) PARTITION BY LIST (kind);
CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('a');
`
	res := convert(t, loadedConn(t, "partownindex", tables+"CREATE UNIQUE INDEX events_a_note ON events_a (note);\n"), "test")
	var spec struct {
		Tables map[string]struct {
			Partition struct {
				Partitions []struct{ Name string }
			}
		}
		Objects []struct{ Name, SQL, Drop string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	if parts := spec.Tables["events"].Partition.Partitions; len(parts) != 1 || parts[0].Name != "events_a" {
		t.Fatalf("partition events_a is not declared in events' partitions:\n%s", res.Files[0].Data)
	}
	i := slices.IndexFunc(spec.Objects, func(o struct{ Name, SQL, Drop string }) bool {
		return strings.Contains(o.SQL, "INDEX events_a_note ON events_a")
	})
	if i < 0 {
		t.Fatalf("no sql object makes index events_a_note:\n%s", res.Files[0].Data)
	}
	ctx := context.Background()
	conn := loadedConn(t, "partownindexagain", tables)
	if _, err := ApplyDDL(ctx, conn, "index", spec.Objects[i].SQL); err != nil {
		t.Fatal(err)
	}
	if _, err := ApplyDDL(ctx, conn, "index drop", spec.Objects[i].Drop); err != nil {
		t.Errorf("drop of the index: %v", err)
	}
}

// TestSerialSequenceComment: a serial column whose sequence has a
// comment stays serial: true, and an sql object sets the comment. Kept
// as an sql object of kind sequence, the sequence of a column that was
// serial in the previous migration was not made again (the column keeps
// its own), and the comment was lost.
func TestSerialSequenceComment(t *testing.T) {
	res := convert(t, loadedConn(t, "serialcomment", "CREATE TABLE tickets (id serial PRIMARY KEY, note text);\nCOMMENT ON SEQUENCE tickets_id_seq IS 'ticket numbers';\n"), "test")
	var spec struct {
		Tables map[string]struct {
			Columns map[string]any
		}
		Objects []struct{ Name, Kind, SQL, Drop string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	if col, _ := spec.Tables["tickets"].Columns["id"].(map[string]any); col["serial"] != true {
		t.Errorf("tickets.id is not declared serial: true:\n%s", res.Files[0].Data)
	}
	if len(spec.Objects) != 1 || spec.Objects[0].SQL != "COMMENT ON SEQUENCE tickets_id_seq IS 'ticket numbers'" || spec.Objects[0].Drop != "COMMENT ON SEQUENCE tickets_id_seq IS NULL" {
		t.Errorf("want one sql object setting the sequence's comment:\n%s", res.Files[0].Data)
	}
}

// TestPartitionColumnOrderKept: a partition whose columns are in another
// order than its parent's (made as a table, then attached) is kept as an
// sql object that makes it so: PARTITION OF, which a declared partition
// is made with, would give it its parent's order.
func TestPartitionColumnOrderKept(t *testing.T) {
	tables := "CREATE TABLE accounts (aid int PRIMARY KEY, note text) PARTITION BY HASH (aid);\n"
	part := `CREATE TABLE accounts_1 (note text, aid int NOT NULL);
ALTER TABLE accounts ATTACH PARTITION accounts_1 FOR VALUES WITH (modulus 1, remainder 0);
`
	order := func(conn *pgx.Conn) string {
		var cols string
		if err := conn.QueryRow(context.Background(), `SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute
WHERE attrelid = 'accounts_1'::regclass AND attnum > 0 AND NOT attisdropped`).Scan(&cols); err != nil {
			t.Fatal(err)
		}
		return cols
	}
	orig := loadedConn(t, "reordered", tables+part)
	res := convert(t, orig, "test")
	var spec struct {
		Objects []struct{ Name, SQL string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(spec.Objects, func(o struct{ Name, SQL string }) bool { return o.Name == "accounts_1" })
	if i < 0 {
		t.Fatalf("partition accounts_1 is not kept as an sql object:\n%s", res.Files[0].Data)
	}
	again := loadedConn(t, "reorderedagain", tables+spec.Objects[i].SQL+";\n")
	if want, got := order(orig), order(again); got != want {
		t.Errorf("partition made again from its sql object has columns %s, want %s", got, want)
	}
}

// TestPartitionNotNullKept: a partition whose column is NOT NULL while
// its parent's is nullable (PARTITION OF parent (col NOT NULL)) is kept
// as an sql object that sets it: a partition declared under its
// parent's partitions: is made with PARTITION OF alone, and lost it.
func TestPartitionNotNullKept(t *testing.T) {
	tables := "CREATE TABLE events (id int, kind text NOT NULL, at timestamptz, PRIMARY KEY (kind, id)) PARTITION BY LIST (kind);\n"
	part := "CREATE TABLE events_a PARTITION OF events (at NOT NULL) FOR VALUES IN ('a');\n"
	notNull := func(conn *pgx.Conn) string {
		var cols string
		if err := conn.QueryRow(context.Background(), `SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute
WHERE attrelid = 'events_a'::regclass AND attnum > 0 AND NOT attisdropped AND attnotnull`).Scan(&cols); err != nil {
			t.Fatal(err)
		}
		return cols
	}
	orig := loadedConn(t, "partnotnull", tables+part)
	res := convert(t, orig, "test")
	var spec struct {
		Objects []struct{ Name, SQL string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(spec.Objects, func(o struct{ Name, SQL string }) bool { return o.Name == "events_a" })
	if i < 0 {
		t.Fatalf("partition events_a is not kept as an sql object:\n%s", res.Files[0].Data)
	}
	again := loadedConn(t, "partnotnullagain", tables+spec.Objects[i].SQL+";\n")
	if want, got := notNull(orig), notNull(again); got != want {
		t.Errorf("partition made again from its sql object has NOT NULL columns %s, want %s", got, want)
	}
}

// TestFunctionShadowingBuiltin: a function with the name and arguments
// of one of pg_catalog's (graphile/starter's app_public."current_user"()),
// which PostgreSQL finds first for an unqualified name, is commented on
// and dropped by the name of the schema it is created in: COMMENT ON
// FUNCTION "current_user"() gave pg_catalog's function the comment, and
// the down migration's DROP FUNCTION failed on it.
func TestFunctionShadowingBuiltin(t *testing.T) {
	ddl := `CREATE FUNCTION "current_user"() RETURNS text LANGUAGE sql STABLE AS 'SELECT ''me''';
COMMENT ON FUNCTION public."current_user"() IS 'the user';
CREATE FUNCTION "current_user"(n int) RETURNS text LANGUAGE sql AS 'SELECT ''n''';
COMMENT ON FUNCTION "current_user"(int) IS 'by number';
`
	res := convert(t, loadedConn(t, "shadow", ddl), "test")
	var spec struct {
		Objects []struct{ Name, Kind, SQL, Drop string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	if len(spec.Objects) != 1 {
		t.Fatalf("%d sql objects, want 1:\n%s", len(spec.Objects), res.Files[0].Data)
	}
	o := spec.Objects[0]
	ctx := context.Background()
	conn := testConn(t)
	comments := func() []string {
		return queryStrings(t, conn, `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || '): ' || coalesce(obj_description(p.oid, 'pg_proc'), '')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'current_user' ORDER BY 1`)
	}
	builtin := comments()
	if _, err := ApplyDDL(ctx, conn, o.Name, o.SQL); err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(builtin), "public.current_user(): the user", "public.current_user(n integer): by number")
	slices.Sort(want)
	if got := comments(); !slices.Equal(got, want) {
		t.Errorf("made from its sql object, the functions named current_user are\n%s\nwant\n%s\nobject:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), o.SQL)
	}
	if _, err := ApplyDDL(ctx, conn, o.Name+" drop", o.Drop); err != nil {
		t.Fatalf("drop: %v\n%s", err, o.Drop)
	}
	if got := comments(); !slices.Equal(got, builtin) {
		t.Errorf("after the drop, the functions named current_user are\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(builtin, "\n"))
	}
}

// TestOverloadCallingOverload: the overloads of a function are created
// callees first: a LANGUAGE sql overload calling another (Chado's
// subsequence_by_feature(bigint) calls subsequence_by_feature(bigint,
// integer, integer), which sorts after it), whose body PostgreSQL checks
// when it creates it, comes after the one it calls, along a chain of
// such calls (sub(bigint) → sub(bigint, integer) → sub(bigint, integer,
// integer)), through a default argument (sub(text) → sub(text, text
// DEFAULT …)) and from an SQL-standard body (RETURN).
func TestOverloadCallingOverload(t *testing.T) {
	ddl := `CREATE FUNCTION sub(bigint, integer, integer) RETURNS text LANGUAGE sql AS 'SELECT $1::text || $2 || $3';
CREATE FUNCTION sub(bigint, integer) RETURNS text LANGUAGE sql AS $$ SELECT sub($1, $2, (SELECT 0)) $$;
CREATE FUNCTION sub(bigint) RETURNS text LANGUAGE sql AS 'SELECT sub($1, 0)';
CREATE FUNCTION sub(text, text DEFAULT '-') RETURNS text LANGUAGE sql RETURN $1 || $2;
CREATE FUNCTION sub(text) RETURNS text LANGUAGE sql AS 'SELECT sub(sub(length($1)::bigint), ''x'')';
CREATE FUNCTION sub(date) RETURNS text LANGUAGE sql RETURN sub($1::text, '+');
`
	madeInOrder(t, convert(t, loadedConn(t, "overloads", ddl), "test"), testConn(t), 1)
}

// TestArrayOfDomainColumn: a column of an array of a domain, or of a
// domain over an array, is declared as an array of the domain's base
// type and given the domain by an sql object, as a column of the domain
// is; its table is a spec table. An array of a domain over a type cpcgen
// does not model, and an extension's domain (lo), are named by their
// SQL; of an array of a domain over an array, the table stays SQL.
func TestArrayOfDomainColumn(t *testing.T) {
	ddl := `CREATE EXTENSION lo;
CREATE DOMAIN code AS varchar(10) CHECK (VALUE <> '');
CREATE DOMAIN spot AS point;
CREATE DOMAIN pair AS int[];
CREATE TABLE acc (id bigint PRIMARY KEY, cs code[], pts spot[], p pair, blob lo);
CREATE TABLE pairs (id bigint PRIMARY KEY, ps pair[]);
`
	res := convert(t, loadedConn(t, "domainarrays", ddl), "test")
	var spec struct {
		Tables  map[string]struct{ Columns map[string]struct{ Type any } }
		Objects []struct{ Name, SQL string } `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	acc, ok := spec.Tables["acc"]
	if !ok {
		t.Fatalf("table acc is not a spec table:\n%s", res.Files[0].Data)
	}
	if got := acc.Columns["cs"].Type; got != "varchar(10)[]" {
		t.Errorf("acc.cs has type %v, want varchar(10)[]", got)
	}
	if got := acc.Columns["p"].Type; got != "integer[]" {
		t.Errorf("acc.p has type %v, want integer[]", got)
	}
	for col, want := range map[string]string{"pts": "spot[]", "blob": "lo"} {
		if got, _ := acc.Columns[col].Type.(map[string]any); got["sql"] != want {
			t.Errorf("acc.%s has type %v, want {sql: %s}", col, acc.Columns[col].Type, want)
		}
	}
	for _, want := range []string{"ALTER TABLE acc ALTER COLUMN cs TYPE code[]", "ALTER TABLE acc ALTER COLUMN p TYPE pair"} {
		if !slices.ContainsFunc(spec.Objects, func(o struct{ Name, SQL string }) bool { return o.SQL == want }) {
			t.Errorf("no sql object %q:\n%s", want, res.Files[0].Data)
		}
	}
	if _, ok := spec.Tables["pairs"]; ok {
		t.Errorf("table pairs (an array of a domain over an array) is a spec table:\n%s", res.Files[0].Data)
	}
}

// TestPublications: a publication of the schema's tables only is an sql
// object after them; one FOR ALL TABLES, or naming a table of another
// schema, is left out with a note.
func TestPublications(t *testing.T) {
	ddl := `CREATE SCHEMA other;
CREATE TABLE t (id int PRIMARY KEY, a text, b text);
CREATE TABLE other.u (id int PRIMARY KEY);
CREATE PUBLICATION own FOR TABLE t (id, a) WHERE (a IS NOT NULL) WITH (publish = 'insert');
CREATE PUBLICATION mixed FOR TABLE t, other.u;
CREATE PUBLICATION everything FOR ALL TABLES;
`
	res := convert(t, loadedConn(t, "publications", ddl), "test")
	var spec struct {
		Objects []struct {
			Name, Kind, SQL, Drop string
			DependsOn             []string `yaml:"depends_on"`
		} `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	var pubs []string
	for _, o := range spec.Objects {
		if strings.Contains(o.SQL, "PUBLICATION") {
			pubs = append(pubs, fmt.Sprintf("%s %s %v: %s / %s", o.Name, o.Kind, o.DependsOn, o.SQL, o.Drop))
		}
	}
	want := []string{"own_publication other [t]: CREATE PUBLICATION own FOR TABLE t (id, a) WHERE ((a IS NOT NULL)) WITH (publish = 'insert') / DROP PUBLICATION own"}
	if !slices.Equal(pubs, want) {
		t.Errorf("publications imported:\n%s\nwant\n%s", strings.Join(pubs, "\n"), strings.Join(want, "\n"))
	}
	var left []string
	for _, f := range res.Findings {
		if f.Kind == "publication" && f.Action == NotImported {
			left = append(left, f.Name)
		}
	}
	if !slices.Equal(left, []string{"everything", "mixed"}) {
		t.Errorf("publications left out: %v, want [everything mixed]", left)
	}
}

// TestViewDependsOnColumnDomain: a view reading a column whose domain
// an sql object gives it depends on that object. When the domain
// changes, the object is dropped and created again, changing the
// column's type twice, which PostgreSQL refuses while a view reads the
// column: the view must be dropped before and created again after.
func TestViewDependsOnColumnDomain(t *testing.T) {
	conn := loadedConn(t, "domainview", `
CREATE DOMAIN public_id AS text CHECK (length(VALUE) > 1);
CREATE TABLE host (id int PRIMARY KEY, host_id public_id, name text);
CREATE VIEW host_names AS SELECT id, name FROM host;
CREATE VIEW host_ids AS SELECT id, host_id FROM host;
`)
	got := specText(convert(t, conn, "test"))
	for _, want := range []string{
		"  - name: host_ids\n    kind: view\n    depends_on: [host, host_host_id_type]\n",
		"  - name: host_names\n    kind: view\n    depends_on: [host]\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the spec lacks\n%s\n%s", want, got)
		}
	}
}

// sqlObject is an sql_objects entry as the tests read it.
type sqlObject struct {
	Name, SQL string
	DependsOn []string `yaml:"depends_on"`
}

// madeInOrder reads the sql objects of the first file res wrote, wants
// n of them, and creates each on conn in the specs' order, reporting
// those PostgreSQL refuses; it returns them.
func madeInOrder(t *testing.T, res *Result, conn *pgx.Conn, n int) []sqlObject {
	t.Helper()
	var spec struct {
		Objects []sqlObject `yaml:"sql_objects"`
	}
	if err := yaml.Unmarshal(res.Files[0].Data, &spec); err != nil {
		t.Fatal(err)
	}
	if len(spec.Objects) != n {
		t.Fatalf("%d sql objects, want %d:\n%s", len(spec.Objects), n, res.Files[0].Data)
	}
	for _, o := range spec.Objects {
		if _, err := ApplyDDL(context.Background(), conn, o.Name, o.SQL); err != nil {
			t.Errorf("sql object %s, made in the specs' order: %v", o.Name, err)
		}
	}
	return spec.Objects
}

// TestKeyIndexOptionsKept: the storage options of the index of a key an
// sql object makes (a primary key or unique constraint with INCLUDE, a
// deferrable unique constraint, an exclusion constraint, a key of a
// table kept as SQL) were lost: pg_get_constraintdef writes no WITH (…)
// for a constraint alone. Made again from the specs' objects, every
// index has the options it had.
func TestKeyIndexOptionsKept(t *testing.T) {
	tables := `CREATE TABLE base (x int);
CREATE TABLE a (id int NOT NULL PRIMARY KEY, n int, b box);
`
	ddl := `CREATE TABLE base (x int);
CREATE TABLE a (id int NOT NULL, n int, b box,
  CONSTRAINT a_pkey PRIMARY KEY (id) INCLUDE (n) WITH (fillfactor = 60),
  CONSTRAINT a_n_key UNIQUE (n) INCLUDE (id) WITH (fillfactor = 70),
  CONSTRAINT a_n_id_key UNIQUE (n, id) WITH (fillfactor = 80) DEFERRABLE,
  CONSTRAINT a_b_excl EXCLUDE USING gist (b WITH &&) WITH (fillfactor = 90));
CREATE TABLE kid (k int, CONSTRAINT kid_k_key UNIQUE (k) WITH (fillfactor = 50)) INHERITS (base);
`
	options := func(conn *pgx.Conn) []string {
		return queryStrings(t, conn, `
SELECT c.relname || ' ' || coalesce(array_to_string(c.reloptions, ','), '-')
FROM pg_class c WHERE c.relkind = 'i' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`)
	}
	orig := loadedConn(t, "key_index_options", ddl)
	again := loadedConn(t, "tables", tables)
	madeInOrder(t, convert(t, orig, "test"), again, 5)
	if want, got := options(orig), options(again); !slices.Equal(want, got) {
		t.Errorf("made again from the sql objects, the indexes have the options\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRuleActionsNestedSameOp: a rule of several actions, DO ( …; … ),
// holding an AND under an AND (Moebooru's delete_histories) is written
// as PostgreSQL prints it without pretty-printing up to its end; its
// end was taken at the semicolon after the first action, and the other
// actions were written twice. Made again from its sql object, the rule
// reads back the same.
func TestRuleActionsNestedSameOp(t *testing.T) {
	tables := "CREATE TABLE a (id int PRIMARY KEY, x int, y int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n"
	ddl := tables + `CREATE RULE r AS ON DELETE TO a WHERE old.x = 1 AND (old.y = 2 AND old.id > 0) DO (
DELETE FROM b WHERE b.id = old.id;
DELETE FROM c WHERE c.id = old.id AND (c.id > 1 AND c.id < 5);
);
`
	objs := madeInOrder(t, convert(t, loadedConn(t, "rule_actions", ddl), "test"), loadedConn(t, "tables", tables), 1)
	if n := strings.Count(objs[0].SQL, "DELETE FROM c"); n != 1 {
		t.Errorf("the rule's second action is written %d times:\n%s", n, objs[0].SQL)
	}
}

// TestRuleEnabledState: a rule disabled, or fired always or on replicas
// only (ALTER TABLE … DISABLE RULE, pgcodekeeper's disable_rule), was
// made enabled: CREATE RULE does not say it, and nothing else did. Made
// again from the sql objects, the rules fire as they did; one with
// actions holding an AND under an AND keeps it too.
func TestRuleEnabledState(t *testing.T) {
	tables := "CREATE TABLE a (id int PRIMARY KEY, x int);\nCREATE TABLE b (id int);\n"
	ddl := tables + `CREATE RULE off AS ON INSERT TO a DO ALSO NOTIFY a;
CREATE RULE always AS ON UPDATE TO a DO ALSO NOTIFY a;
CREATE RULE replica AS ON DELETE TO a WHERE old.x = 1 AND (old.id > 0 AND old.id < 5) DO ALSO DELETE FROM b WHERE b.id = old.id;
CREATE RULE plain AS ON INSERT TO b DO ALSO NOTIFY b;
ALTER TABLE a DISABLE RULE off;
ALTER TABLE a ENABLE ALWAYS RULE always;
ALTER TABLE a ENABLE REPLICA RULE replica;
`
	state := func(conn *pgx.Conn) []string {
		return queryStrings(t, conn, `SELECT rulename || ' ' || ev_enabled::text FROM pg_rewrite JOIN pg_class c ON c.oid = ev_class WHERE c.relnamespace = current_schema()::regnamespace AND rulename <> '_RETURN' ORDER BY 1`)
	}
	orig := loadedConn(t, "rule_enabled", ddl)
	again := loadedConn(t, "tables", tables)
	madeInOrder(t, convert(t, orig, "test"), again, 4)
	if want, got := state(orig), state(again); !slices.Equal(want, got) {
		t.Errorf("made again from the sql objects, the rules are\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSupportFunctionFirst: a function with a planner support function
// of the schema (SUPPORT z_support, pgcodekeeper's
// modify_function_with_support_function) needs it when it is created;
// nothing put it after it, and made in the specs' order, by name, the
// first migration failed (function z_support(internal) does not exist).
func TestSupportFunctionFirst(t *testing.T) {
	ddl := `CREATE FUNCTION z_support(internal) RETURNS internal LANGUAGE internal STRICT AS 'textlike_support';
CREATE FUNCTION a_like(s text) RETURNS boolean LANGUAGE plpgsql SUPPORT z_support AS 'BEGIN RETURN true; END';
`
	madeInOrder(t, convert(t, loadedConn(t, "support_function", ddl), "test"), testConn(t), 2)
}

// TestDefaultCallingQualifiedTable: a column default calling a LANGUAGE
// sql function whose body reads a table of the schema named with the
// schema (pg_timetable's get_client_name, reading
// timetable.active_session) made the function one created before the
// tables, and the first migration failed creating it. It is made after
// the tables, and the default by an sql object after it.
func TestDefaultCallingQualifiedTable(t *testing.T) {
	conn := loadedConn(t, "qualified_table", `
CREATE TABLE session (pid int PRIMARY KEY, name text);
CREATE FUNCTION client_name(int) RETURNS text LANGUAGE sql AS $$ SELECT name FROM public.session WHERE pid = $1 $$;
CREATE TABLE log (id int PRIMARY KEY, client text DEFAULT client_name(pg_backend_pid()));
`)
	got := specText(convert(t, conn, "test"))
	if strings.Contains(got, "before_tables: true") {
		t.Errorf("the function reading public.session is made before the tables:\n%s", got)
	}
	if strings.Contains(got, "default: {sql: \"client_name(") {
		t.Errorf("the table declares the default calling the function made after it:\n%s", got)
	}
}

// TestApplyDDLMissingRoles: a pg_dump made without --no-owner gives its
// objects owners and privileges (ALTER TABLE … OWNER TO app, GRANT …
// TO reader) of roles the server replaying it does not have, and the
// replay stopped at role "app" does not exist. Those statements, which
// specs do not carry, are left out with one note per role, inside a
// transaction block the file began too; a policy naming a missing role
// still stops it.
func TestApplyDDLMissingRoles(t *testing.T) {
	ctx := context.Background()
	src := `SET SESSION AUTHORIZATION app_nope;
BEGIN;
CREATE TABLE t (id int PRIMARY KEY);
ALTER TABLE ONLY public.t OWNER TO app_nope;
GRANT SELECT, INSERT ON TABLE t TO "Reader Nope";
REVOKE ALL ON TABLE t FROM "Reader Nope";
ALTER DEFAULT PRIVILEGES FOR ROLE app_nope IN SCHEMA public GRANT SELECT ON TABLES TO "Reader Nope";
CREATE TABLE u (id int PRIMARY KEY);
COMMIT;
`
	conn := testConn(t)
	found, err := ApplyDDL(ctx, conn, "dump.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, f := range found {
		roles = append(roles, f.Kind+" "+f.Name+" "+f.Action)
	}
	if want := []string{"role app_nope not imported", "role Reader Nope not imported"}; !slices.Equal(roles, want) {
		t.Errorf("findings %q, want %q", roles, want)
	}
	if res := convert(t, conn, "dump.sql"); res.Tables != 2 {
		t.Errorf("%d tables, want 2", res.Tables)
	}
	_, err = ApplyDDL(ctx, testConn(t), "policy.sql", "CREATE TABLE p (id int);\nCREATE POLICY own ON p TO app_nope USING (true);\n")
	if err == nil || !strings.Contains(err.Error(), "policy.sql:2") || !strings.Contains(err.Error(), "no role app_nope") {
		t.Errorf("a policy naming a missing role: %v", err)
	}
}

// TestNameStartingWithDigit: a table with a column named with letters
// and digits but starting with a digit, as the Lahman baseball
// database's "2B" and "3B", is kept as SQL, and the note says why: it
// gave the rule as letters, digits and underscores, which "2B" keeps.
func TestNameStartingWithDigit(t *testing.T) {
	conn := loadedConn(t, "digitname", `CREATE TABLE batting (id int PRIMARY KEY, "2B" int);`+"\n"+`CREATE TABLE "3rd" (id int PRIMARY KEY);`+"\n")
	res := convert(t, conn, "test")
	wantFindings(t, res, func(kind string) bool { return kind == "table" },
		`table 3rd: kept as sql_object: its name is not a plain SQL name (letters, digits and underscores, not starting with a digit); no Go code is generated for it`,
		`table batting: kept as sql_object: column "2B" has a name that is not a plain SQL name (letters, digits and underscores, not starting with a digit); no Go code is generated for it`)
}

// TestCastsTo: a LANGUAGE sql body casting to a type, x::tips or
// CAST(x AS tips), with or without the schema, is found; the CREATE
// line, a longer name and an alias are not casts.
func TestCastsTo(t *testing.T) {
	head := "CREATE OR REPLACE FUNCTION f(tip tips)\n RETURNS tips\n LANGUAGE sql\nAS $function$"
	for body, want := range map[string]bool{
		"SELECT g(tip::tips)":              true,
		"SELECT g(tip :: public.tips)":     true,
		"SELECT g(CAST(tip AS tips))":      true,
		"SELECT g(tip::\"tips\")":          true,
		"SELECT g(tip::tips_old)":          false,
		"SELECT t.* FROM tips AS tips2":    false,
		"SELECT x FROM t AS tips WHERE ok": false,
	} {
		if got := castsTo([]string{head + body + "$function$"}, "tips"); got != want {
			t.Errorf("castsTo(%q) = %v, want %v", body, got, want)
		}
	}
}

// TestIndexOperatorClassParameters: an index over a column with its
// type's default operator class given parameters (the omnibus sample's
// hidx, gist_hstore_ops (siglen='32'); tsvector_ops here, in core),
// which the index's attributes hold, was read as a plain index: the spec
// declared it without them, and the database it came from drifted from
// the migrations. It is kept as SQL, with its parameters.
func TestIndexOperatorClassParameters(t *testing.T) {
	conn := loadedConn(t, "opclass_params", `CREATE TABLE docs (id int PRIMARY KEY, v tsvector);
CREATE INDEX docs_v ON docs USING gist (v tsvector_ops (siglen='32'));
CREATE INDEX docs_v_plain ON docs USING gist (v);
`)
	res := convert(t, conn, "test")
	wantFindings(t, res, func(kind string) bool { return kind == "index" },
		"index docs.docs_v: kept as sql_object: it uses an operator class, collation or storage parameter specs do not declare")
	if all := string(res.Files[0].Data); !strings.Contains(all, "tsvector_ops (siglen='32')") {
		t.Errorf("the index's operator class parameters are lost:\n%s", all)
	}
}

// TestTempCopy makes pg_get_functiondef's CREATE OR REPLACE of a
// LANGUAGE sql routine a CREATE of the pg_temp copy CheckSQLBodies
// checks: the name ends at the argument list's parenthesis, not at one
// inside a quoted name; of the SET clauses only search_path's is kept;
// other languages and BEGIN ATOMIC bodies are not copied, but a string
// body holding the words BEGIN ATOMIC (in a string or a comment), which
// the pattern match took for one, is.
func TestTempCopy(t *testing.T) {
	for def, want := range map[string]string{
		"CREATE OR REPLACE FUNCTION public.\"odd(name\"(a integer)\n RETURNS integer\n LANGUAGE sql\nAS $function$SELECT a$function$\n":                                        "CREATE FUNCTION pg_temp.cpcgen_body_check(a integer)\n RETURNS integer\n LANGUAGE sql\nAS $function$SELECT a$function$\n",
		"CREATE OR REPLACE PROCEDURE app.p()\n LANGUAGE sql\nAS $procedure$DELETE FROM t$procedure$\n":                                                                         "CREATE PROCEDURE pg_temp.cpcgen_body_check()\n LANGUAGE sql\nAS $procedure$DELETE FROM t$procedure$\n",
		"CREATE OR REPLACE FUNCTION public.f()\n RETURNS integer\n LANGUAGE sql\n SET search_path TO 'books'\n SET log_statement TO 'none'\nAS $function$SELECT 1$function$\n": "CREATE FUNCTION pg_temp.cpcgen_body_check()\n RETURNS integer\n LANGUAGE sql\n SET search_path TO 'books'\nAS $function$SELECT 1$function$\n",
		"CREATE OR REPLACE FUNCTION public.f()\n RETURNS integer\n LANGUAGE plpgsql\nAS $function$BEGIN RETURN 1; END$function$\n":                                             "",
		"CREATE OR REPLACE FUNCTION public.f()\n RETURNS bigint\n LANGUAGE sql\nBEGIN ATOMIC\n SELECT 1;\nEND\n":                                                               "",
		"CREATE OR REPLACE FUNCTION public.\"begin atomic\"()\n RETURNS text\n LANGUAGE sql\nAS $function$SELECT 'BEGIN ATOMIC' -- BEGIN ATOMIC\n$function$\n":                 "CREATE FUNCTION pg_temp.cpcgen_body_check()\n RETURNS text\n LANGUAGE sql\nAS $function$SELECT 'BEGIN ATOMIC' -- BEGIN ATOMIC\n$function$\n",
	} {
		got, ok := tempCopy(def)
		if got != want || ok != (want != "") {
			t.Errorf("tempCopy(%q) = %q, %v; want %q", def, got, ok, want)
		}
	}
}

// TestFunctionTarget finds the function a statement names: a quoted name
// with a space or a parenthesis inside whole, the schema left out.
func TestFunctionTarget(t *testing.T) {
	for stmt, want := range map[string]string{
		`CREATE FUNCTION "my f"() RETURNS int LANGUAGE sql AS 'SELECT 1'`: "my f",
		`COMMENT ON FUNCTION public.Tile(int) IS 'x'`:                     "tile",
		`GRANT ALL ON FUNCTION "s"."a(b"(int) TO app`:                     "a(b",
		`CREATE TABLE t (id int)`:                                         "",
	} {
		if got := functionTarget(stmt); got != want {
			t.Errorf("functionTarget(%q) = %q, want %q", stmt, got, want)
		}
	}
}

// TestCheckSQLBodiesSearchPath checks LANGUAGE sql bodies that name a
// table of a schema only their own SET search_path holds, as a function
// kept out of the callers' search_path is written: one whose column is
// still there is not reported stale, one whose column was renamed since
// is. As a role without the TEMP privilege on the database, no body is
// checked, and one finding says so and why, where the check used to be
// skipped without a word. Given TEMP, the role checks them all, a body
// whose function sets log_statement (a superuser's parameter) too: its
// copy, which kept every SET clause, was refused, and that refusal
// stopped the check of every function after it. A function whose
// argument type the role may not use is left unchecked with a finding
// of its own, and the others are checked.
func TestCheckSQLBodiesSearchPath(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	pgtest.Exec(t, url,
		"CREATE SCHEMA books",
		"CREATE TABLE books.loan (id bigint PRIMARY KEY, a date, due date)",
		"CREATE TYPE secret AS (x int)",
		"REVOKE USAGE ON TYPE secret FROM PUBLIC",
		"CREATE FUNCTION a_secret(s secret) RETURNS int LANGUAGE sql AS 'SELECT (s).x'",
		"CREATE FUNCTION due_loans() RETURNS bigint LANGUAGE sql STABLE SET search_path = books AS 'SELECT count(*) FROM loan WHERE due < now()'",
		"CREATE FUNCTION open_loans() RETURNS bigint LANGUAGE sql STABLE SET search_path = books, public AS 'SELECT count(*) FROM loan WHERE a IS NULL'",
		"CREATE FUNCTION quiet_loans() RETURNS bigint LANGUAGE sql STABLE SET log_statement = 'none' SET search_path = books AS 'SELECT count(*) FROM loan WHERE a IS NULL'",
		"ALTER TABLE books.loan RENAME COLUMN a TO returned")
	check := func(url string) (map[string]string, []string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		cat, err := Inspect(ctx, conn, "public")
		if err != nil {
			t.Fatal(err)
		}
		notes, err := CheckSQLBodies(ctx, conn, cat)
		if err != nil {
			t.Fatal(err)
		}
		bodyErrors := map[string]string{}
		for _, f := range cat.Functions {
			bodyErrors[f.Name] = f.BodyError
		}
		var lines []string
		for _, n := range notes {
			lines = append(lines, n.String())
		}
		return bodyErrors, lines
	}
	stale := `column "a" does not exist`

	got, notes := check(url)
	if want := map[string]string{"a_secret": "", "due_loans": "", "open_loans": stale, "quiet_loans": stale}; !maps.Equal(got, want) {
		t.Errorf("body errors %q, want %q", got, want)
	}
	if len(notes) != 0 {
		t.Errorf("notes %q, want none", notes)
	}

	app := pgtest.AppURL(t, url)
	got, notes = check(app)
	if want := map[string]string{"a_secret": "", "due_loans": "", "open_loans": "", "quiet_loans": ""}; !maps.Equal(got, want) {
		t.Errorf("as a role without TEMP: body errors %q, want %q", got, want)
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0], `function bodies (LANGUAGE sql): skipped: the check for bodies gone stale (naming a table or column renamed or dropped since the function was made) creates a copy of each function in pg_temp, which the server refused (permission denied to create temporary tables in database "`) {
		t.Errorf("as a role without TEMP: notes %q, want one saying the check was skipped and why", notes)
	}

	pgtest.Exec(t, url,
		"DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO "+pgtest.AppRole+"', current_database()); END $$",
		"GRANT USAGE ON SCHEMA books TO "+pgtest.AppRole)
	got, notes = check(app)
	if want := map[string]string{"a_secret": "", "due_loans": "", "open_loans": stale, "quiet_loans": stale}; !maps.Equal(got, want) {
		t.Errorf("as a role with TEMP: body errors %q, want %q", got, want)
	}
	if want := []string{`function a_secret: skipped: its body was not checked: the server refused the copy in pg_temp the check creates (permission denied for type secret); if it went stale (names a table or column renamed or dropped since it was made), the migration made from the specs stops at it on a new database`}; !slices.Equal(notes, want) {
		t.Errorf("as a role with TEMP: notes %q, want %q", notes, want)
	}
}
