package spec

import (
	"slices"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/sqllex"
	"github.com/cpcgen/cpcgen/internal/testfile"
)

const objectsTable = `tables:
  notes:
    columns:
      id: {type: bigint, primary_key: true, identity: true}
      title: text
      body: text
      search_text: {type: text, nullable: true}
`

func TestSQLObjects(t *testing.T) {
	src := `extensions: [pg_trgm, {name: pgcrypto, schema: public, version: "1.3"}]
` + objectsTable + `sql_objects:
  - name: notes_search_text
    kind: function
    comment: Fills search_text.
    sql: |
      create function notes_search_text() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_text := lower(NEW.title || ' ' || NEW.body); -- a semicolon; in a comment
        RETURN NEW;
      END $$;
      COMMENT ON FUNCTION notes_search_text() IS 'x';
  - name: notes_search
    kind: trigger
    sql: CREATE TRIGGER notes_search BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION notes_search_text()
  - name: app.similar
    kind: function
    depends_on: [app, pg_trgm]
    sql: |
      CREATE OR REPLACE FUNCTION app.similar(q text, "limit" integer DEFAULT 10, OUT id bigint)
      RETURNS SETOF bigint LANGUAGE sql STABLE AS 'SELECT id FROM notes WHERE title % q LIMIT "limit"'
  - name: app
    kind: schema
    sql: CREATE SCHEMA app
  - name: recent_notes
    kind: view
    depends_on: [notes]
    sql: CREATE VIEW recent_notes AS SELECT id, title FROM notes ORDER BY id DESC LIMIT 10  -- trailing comment
  - name: note_count
    kind: other
    sql: CREATE AGGREGATE note_count(bigint) (SFUNC = int8inc_any, STYPE = bigint, INITCOND = '0')
    drop: DROP AGGREGATE note_count(bigint);
`
	p := mustParse(t, src)
	if len(p.Extensions) != 2 || p.Extensions[1].Name != "pgcrypto" || p.Extensions[1].Schema != "public" || p.Extensions[1].Version != "1.3" {
		t.Fatalf("extensions: %+v", p.Extensions)
	}
	if len(p.Objects) != 6 {
		t.Fatalf("%d objects", len(p.Objects))
	}
	fn, trig, sim, schema, view, agg := p.Objects[0], p.Objects[1], p.Objects[2], p.Objects[3], p.Objects[4], p.Objects[5]
	for _, tc := range []struct{ what, got, want string }{
		{"function drop", fn.Drop, "DROP FUNCTION notes_search_text()"},
		{"function target", fn.Target, "notes_search_text()"},
		{"function signature", fn.Signature, "notes_search_text() returns trigger"},
		{"function sql end", fn.SQL[len(fn.SQL)-21:], "_search_text() IS 'x'"},
		{"function replace", fn.Replace[:40], "create OR REPLACE function notes_search_"},
		{"trigger drop", trig.Drop, "DROP TRIGGER notes_search ON notes"},
		{"trigger table", trig.Table, "notes"},
		{"schema-qualified drop", sim.Drop, `DROP FUNCTION app.similar(q text, "limit" integer, OUT id bigint)`},
		{"signature keeps defaults", sim.Signature, `app.similar(q text , "limit" integer default 10 , out id bigint) returns setof bigint`},
		{"replace unchanged", sim.Replace, sim.SQL},
		{"schema drop", schema.Drop, "DROP SCHEMA app"},
		{"view drop", view.Drop, "DROP VIEW recent_notes"},
		{"view sql without trailing comment", view.SQL, "CREATE VIEW recent_notes AS SELECT id, title FROM notes ORDER BY id DESC LIMIT 10"},
		{"view replace", view.Replace, ""},
		{"explicit drop", agg.Drop, "DROP AGGREGATE note_count(bigint)"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.what, tc.got, tc.want)
		}
	}
	if !fn.DropDerived || agg.DropDerived {
		t.Errorf("DropDerived: %v %v", fn.DropDerived, agg.DropDerived)
	}
	// The trigger's table and function are dependencies read from its SQL.
	if len(trig.DependsOn) != 2 || trig.DependsOn[0].Table == nil || trig.DependsOn[1].Object != fn || !trig.DependsOn[1].Implicit {
		t.Errorf("trigger depends on %+v", trig.DependsOn)
	}
	if len(sim.DependsOn) != 2 || sim.DependsOn[0].Object != schema || sim.DependsOn[1].Extension == nil {
		t.Errorf("app.similar depends on %+v", sim.DependsOn)
	}
	// Positions: the literal block's lines map to the file's.
	if got := fn.SQLPos.String(); got != "schema/a.yaml:14:7" {
		t.Errorf("SQLPos = %s", got)
	}
	if got := fn.Lines[3].String(); got != "schema/a.yaml:17:7" {
		t.Errorf("Lines[3] = %s", got)
	}
	if got := trig.SQLPos.String(); got != "schema/a.yaml:23:10" {
		t.Errorf("trigger SQLPos = %s", got)
	}
}

func TestSQLObjectErrors(t *testing.T) {
	obj := func(body string) string { return objectsTable + "sql_objects:\n" + body }
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"unknown kind", obj("  - {name: f, kind: functon, sql: CREATE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql}\n"),
			[]string{`schema/a.yaml:9:21: sql object "f": kind: "functon" is not one of`, `did you mean "function"?`}},
		{"no kind", obj("  - {name: f, sql: x}\n"), []string{`schema/a.yaml:9:12: sql object "f" has no kind; add kind: with one of "function"`}},
		{"no name", obj("  - {kind: view, sql: x}\n"), []string{`schema/a.yaml:9:5: sql_objects entry has no name`}},
		{"missing sql", obj("  - {name: v, kind: view}\n"), []string{`schema/a.yaml:9:12: sql object "v" has neither sql: nor file:; add sql: with its CREATE statement, or file: naming a .sql file relative to a.yaml`}},
		{"sql and file", obj("  - {name: v, kind: view, sql: x, file: v.sql}\n"), []string{`sql object "v" has both sql: and file:; keep one`}},
		{"empty sql", obj("  - {name: v, kind: view, sql: '  '}\n"), []string{`sql: must not be empty`}},
		{"bad name", obj("  - {name: Recent-Notes, kind: view, sql: x}\n"), []string{`sql object name "Recent-Notes" is not a plain SQL name or schema.name`, `use "recent_notes"`}},
		{"kind mismatch", obj("  - {name: v, kind: view, sql: CREATE FUNCTION v() RETURNS int AS 'SELECT 1' LANGUAGE sql}\n"),
			[]string{`schema/a.yaml:9:32: the sql of view "v" must start with CREATE VIEW v; it starts with "CREATE FUNCTION v() RETURNS int AS 'SEL…"`}},
		{"name mismatch", obj("  - {name: v, kind: view, sql: CREATE VIEW w AS SELECT 1}\n"),
			[]string{`schema/a.yaml:9:44: the sql of view "v" creates view "w"; name: must be the name it creates`}},
		{"second object in sql", obj("  - {name: v, kind: view, sql: 'CREATE VIEW v AS SELECT 1; CREATE VIEW w AS SELECT 2'}\n"),
			[]string{`the sql of view "v" also creates view "w"; declare it as an object of its own`}},
		{"unterminated body", obj("  - {name: f, kind: function, sql: 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1'}\n"),
			[]string{`schema/a.yaml:9:72: the sql of function "f": unterminated dollar-quoted string $$`}},
		{"other without drop", obj("  - {name: a, kind: other, sql: 'CREATE AGGREGATE a(int) (SFUNC = int4pl, STYPE = int)'}\n"),
			[]string{`schema/a.yaml:9:12: sql object "a": cpcgen cannot derive how to drop an object of kind other; add drop: with the statements that remove it, like DROP AGGREGATE a(integer)`}},
		{"before_tables on a trigger", obj("  - {name: tg, kind: trigger, before_tables: true, sql: CREATE TRIGGER tg BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION f()}\n"),
			[]string{`schema/a.yaml:9:31: sql object "tg": before_tables is for functions, procedures and objects of kind other that tables use; a trigger is created after the tables it reads, so drop before_tables`}},
		{"before_tables on a sequence", obj("  - {name: s, kind: sequence, before_tables: true, sql: CREATE SEQUENCE s}\n"),
			[]string{`a sequence is created before the tables already, so drop before_tables`}},
		{"before_tables not a boolean", obj("  - {name: f, kind: function, before_tables: soon, sql: CREATE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql}\n"),
			[]string{`schema/a.yaml:9:46: before_tables: expected true or false, got string "soon"`}},
		{"schema authorization", obj("  - {name: s, kind: schema, sql: CREATE SCHEMA AUTHORIZATION joe}\n"),
			[]string{`the sql of schema "s": CREATE SCHEMA AUTHORIZATION names no schema, so cpcgen cannot derive how to drop it; add drop:`}},
		{"duplicate", obj("  - {name: v, kind: view, sql: CREATE VIEW v AS SELECT 1}\n  - {name: v, kind: materialized_view, sql: CREATE MATERIALIZED VIEW v AS SELECT 1}\n"),
			[]string{`schema/a.yaml:10:12: duplicate materialized view "v"; first declared at schema/a.yaml:9:12`}},
		{"overload", obj("  - {name: f, kind: function, sql: CREATE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql}\n  - {name: f, kind: function, sql: CREATE FUNCTION f(a int) RETURNS int AS 'SELECT a' LANGUAGE sql}\n"),
			[]string{`function "f" is declared twice; first at schema/a.yaml:9:12; put the overloads of one function in the sql of one object`}},
		{"table name", obj("  - {name: notes, kind: view, sql: CREATE VIEW notes AS SELECT 1}\n"),
			[]string{`view "notes" has the name of a table declared at schema/a.yaml:2:3; PostgreSQL keeps tables, views, sequences and types in one namespace`}},
		{"unknown dependency", obj("  - {name: v, kind: view, depends_on: [notse], sql: CREATE VIEW v AS SELECT 1}\n"),
			[]string{`schema/a.yaml:9:40: depends_on of view "v": unknown table, enum, extension or sql object "notse"; did you mean "notes"?`}},
		{"self dependency", obj("  - {name: v, kind: view, depends_on: [v], sql: CREATE VIEW v AS SELECT 1}\n"),
			[]string{`view "v" depends on itself; remove "v" from its depends_on`}},
		{"cycle", obj("  - {name: a, kind: view, depends_on: [b], sql: CREATE VIEW a AS SELECT 1}\n  - {name: b, kind: view, depends_on: [c], sql: CREATE VIEW b AS SELECT 1}\n  - {name: c, kind: view, depends_on: [a], sql: CREATE VIEW c AS SELECT 1}\n"),
			[]string{`schema/a.yaml:11:40: depends_on makes a cycle: view "a" → view "b" → view "c" → view "a"; remove one of these dependencies`}},
		{"function named like a table", obj("  - {name: notes, kind: function, sql: CREATE FUNCTION notes(int) RETURNS SETOF notes AS 'SELECT * FROM notes' LANGUAGE sql}\n  - {name: v, kind: view, depends_on: [notes], sql: CREATE VIEW v AS SELECT 1}\n"),
			[]string{`schema/a.yaml:10:40: depends_on "notes" of view "v" is ambiguous: function "notes" at schema/a.yaml:9:12 ("function notes") and table "notes" at schema/a.yaml:2:3 ("table notes") have that name; write the kind before the name, as in parentheses`}},
		{"objects of one name", obj("  - {name: d, kind: function, sql: CREATE FUNCTION d() RETURNS int AS 'SELECT 1' LANGUAGE sql}\n  - {name: d, kind: other, sql: CREATE TABLE d (x int), drop: DROP TABLE d}\n  - {name: v, kind: view, depends_on: [d], sql: CREATE VIEW v AS SELECT 1}\n"),
			[]string{`depends_on "d" of view "v" is ambiguous: function "d" at schema/a.yaml:9:12 ("function d") and object "d" at schema/a.yaml:10:12 ("other d") have that name`}},
		{"kind of dependency unknown", obj("  - {name: v, kind: view, depends_on: [tabel notes], sql: CREATE VIEW v AS SELECT 1}\n"),
			[]string{`schema/a.yaml:9:40: depends_on entry "tabel notes" of sql object "v": write a name, or a kind and a name ("function designers"; kinds: table, enum, extension, function, procedure, view, materialized_view, type, domain, sequence, schema, other)`}},
		{"no dependency of that kind", obj("  - {name: v, kind: view, depends_on: [function notes], sql: CREATE VIEW v AS SELECT 1}\n"),
			[]string{`schema/a.yaml:9:40: depends_on of view "v": no function "notes"`}},
		{"depends on trigger", obj("  - {name: t, kind: trigger, sql: CREATE TRIGGER t AFTER INSERT ON notes FOR EACH ROW EXECUTE FUNCTION f()}\n  - {name: v, kind: view, depends_on: [t], sql: CREATE VIEW v AS SELECT 1}\n"),
			[]string{`depends_on "t" of view "v" names a trigger; nothing can depend on a trigger, remove it`}},
		{"trigger schema", obj("  - {name: app.t, kind: trigger, sql: CREATE TRIGGER t AFTER INSERT ON notes FOR EACH ROW EXECUTE FUNCTION f()}\n"),
			[]string{`a trigger's name takes no schema; it belongs to its table (ON notes)`}},
		{"unknown key", obj("  - {name: v, kind: view, sql: CREATE VIEW v AS SELECT 1, depend_on: [notes]}\n"),
			[]string{`unknown key "depend_on" in sql_objects entry; did you mean "depends_on"?`}},
		{"extension conflict", "extensions: [{name: pg_trgm, version: '1.6'}]\n" + objectsTable + "", nil},
		{"extension name", "extensions: [Pg_Trgm]\n", []string{`schema/a.yaml:1:14: extension name "Pg_Trgm" is not an extension's name`}},
		{"extension no name", "extensions: [{schema: public}]\n", []string{`extension has no name; add name: pg_trgm`}},
		{"file in Parse", obj("  - {name: v, kind: view, file: v.sql}\n"), []string{`file "v.sql": this run reads no files (spec.Parse); load the project with spec.Load`}},
		{"file outside", obj("  - {name: v, kind: view, file: ../../v.sql}\n"), []string{`file "../../v.sql" leads outside the project root`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOne(t, tc.src)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			checkErrors(t, err, tc.want...)
		})
	}
	// The same extension twice with other options, across files.
	_, err := parseFiles(t, "schema/a.yaml", "extensions: [{name: pg_trgm, version: '1.6'}]\n", "schema/b.yaml", "extensions: [pg_trgm]\n")
	checkErrors(t, err, `schema/b.yaml:1:14: extension "pg_trgm" is declared again with another schema or version; first declared at schema/a.yaml:1:21`)
	// The same extension the same way in two files is one extension.
	p, err := parseFiles(t, "schema/a.yaml", "extensions: [pg_trgm]\n", "schema/b.yaml", "extensions: [pg_trgm, citext]\n")
	if err != nil || len(p.Extensions) != 2 {
		t.Fatalf("%v %+v", err, p)
	}
}

// TestDependsOnKind resolves depends_on entries that write the kind
// before the name, where a table and a function share it (PostgREST's
// computed relationships: a function designers(videogames) returning
// SETOF designers), and a function's entry naming its own name means
// the table.
func TestDependsOnKind(t *testing.T) {
	p := mustParse(t, objectsTable+`sql_objects:
  - name: notes
    kind: function
    depends_on: [notes]
    sql: CREATE FUNCTION notes(int) RETURNS SETOF notes AS 'SELECT * FROM notes' LANGUAGE sql
  - {name: v, kind: view, depends_on: [table notes, function notes], sql: CREATE VIEW v AS SELECT 1}
  - {name: w, kind: view, depends_on: [view v, extension pg_trgm], sql: CREATE VIEW w AS SELECT 1}
extensions: [pg_trgm]
`)
	deps := func(name string) []string {
		var out []string
		for _, o := range p.Objects {
			if o.Name != name || o.Kind.Name == "function" && name != "notes" {
				continue
			}
			for _, d := range o.DependsOn {
				switch {
				case d.Table != nil:
					out = append(out, "table "+d.Table.Name)
				case d.Object != nil:
					out = append(out, d.Object.Kind.Name+" "+d.Object.Name)
				case d.Extension != nil:
					out = append(out, "extension "+d.Extension.Name)
				}
			}
		}
		return out
	}
	for name, want := range map[string][]string{
		"notes": {"table notes"},
		"v":     {"table notes", "function notes"},
		"w":     {"view v", "extension pg_trgm"},
	} {
		if got := deps(name); !slices.Equal(got, want) {
			t.Errorf("depends_on of %s = %q, want %q", name, got, want)
		}
	}
}

// TestSQLObjectFile loads an object whose SQL is in a file beside the
// spec, and reports positions in that file; a file that is not UTF-8 is
// refused, an object's as a view's.
func TestSQLObjectFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		testfile.Write(t, dir, name, data)
	}
	write("cpcgen.yaml", "version: 1\npackage: {name: db, dir: ./db}\nspecs: [./schema/*.yaml]\n")
	write("schema/a.yaml", objectsTable+"  latest:\n    columns: {id: {type: bigint, primary_key: true}}\n    view: {file: sql/latin1.sql}\n"+
		"sql_objects:\n  - {name: recent, kind: view, file: sql/recent.sql}\n  - {name: bad, kind: view, file: sql/bad.sql}\n  - {name: gone, kind: view, file: sql/gone.sql}\n  - {name: latin1, kind: view, file: sql/latin1.sql}\n")
	write("schema/sql/recent.sql", "-- The ten newest notes.\nCREATE VIEW recent AS\n  SELECT id FROM notes ORDER BY id DESC LIMIT 10;\n")
	write("schema/sql/bad.sql", "\n\nCREATE VIEW bad AS SELECT 'x;\n")
	write("schema/sql/latin1.sql", "CREATE VIEW latin1 AS SELECT 'caf\xe9';\n")
	_, err := Load(dir)
	checkErrors(t, err,
		`schema/a.yaml:10:18: view "latest": file "schema/sql/latin1.sql" is not UTF-8 text`,
		`schema/a.yaml:15:38: sql object "latin1": file "schema/sql/latin1.sql" is not UTF-8 text`,
		`schema/sql/bad.sql:3:27: the sql of view "bad": unterminated string constant`,
		`schema/a.yaml:14:36: file "sql/gone.sql" (schema/sql/gone.sql): no such file`)
	write("schema/a.yaml", objectsTable+"sql_objects:\n  - {name: recent, kind: view, file: sql/recent.sql}\n")
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	o := p.Objects[0]
	if o.File != "schema/sql/recent.sql" || !strings.HasPrefix(o.SQL, "-- The ten newest notes.\nCREATE VIEW") || strings.HasSuffix(o.SQL, ";") {
		t.Errorf("object: %+v", o)
	}
	if got := o.Lines[2].String(); got != "schema/sql/recent.sql:3:1" {
		t.Errorf("line 3 at %s", got)
	}
}

// TestSQLObjectSharedName declares a function and its trigger under one
// name, as the docs' tsvector example does: they live in different
// namespaces, and the trigger depends on the function.
func TestSQLObjectSharedName(t *testing.T) {
	p := mustParse(t, objectsTable+`sql_objects:
  - name: notes_touch
    kind: function
    sql: CREATE FUNCTION notes_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$
  - name: notes_touch
    kind: trigger
    sql: CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION notes_touch()
  - name: v
    kind: view
    depends_on: [notes_touch]
    sql: CREATE VIEW v AS SELECT 1
`)
	trig, view := p.Objects[1], p.Objects[2]
	if len(trig.DependsOn) != 2 || trig.DependsOn[1].Object != p.Objects[0] {
		t.Errorf("trigger depends on %+v", trig.DependsOn)
	}
	if len(view.DependsOn) != 1 || view.DependsOn[0].Object != p.Objects[0] {
		t.Errorf("view depends on %+v", view.DependsOn)
	}
}

// TestSQLReadingNeverPanics reads every prefix of, and every one-byte
// change to, a few CREATE statements: the lexer and the CREATE reader
// may refuse them, never panic.
func TestSQLReadingNeverPanics(t *testing.T) {
	seeds := []string{
		`CREATE OR REPLACE FUNCTION app."F"(a int DEFAULT 1, OUT b text) RETURNS TABLE (x int) LANGUAGE sql AS $f$ SELECT 1; $f$`,
		`CREATE CONSTRAINT TRIGGER t AFTER INSERT ON s.t FOR EACH ROW EXECUTE PROCEDURE f()`,
		`CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT E'\'', "a""b" /* /* */ */ -- x`,
		`CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END; CREATE SCHEMA AUTHORIZATION x`,
	}
	chars := []byte("'\"$();,.-/*E \n")
	read := func(s string) {
		toks, err := sqllex.Lex(s)
		if err != nil {
			return
		}
		for _, st := range sqllex.Statements(toks) {
			parseCreate(s, st)
		}
	}
	for _, seed := range seeds {
		for i := 0; i <= len(seed); i++ {
			read(seed[:i])
			for _, c := range chars {
				read(seed[:i] + string(c) + seed[i:])
				if i < len(seed) {
					read(seed[:i] + string(c) + seed[i+1:])
				}
			}
		}
	}
}
