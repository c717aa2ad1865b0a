package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds a config and one spec file through ParseConfig and
// Parse. Neither may panic; errors must be ErrorLists with positions;
// a returned project must be fully resolved.
func FuzzParse(f *testing.F) {
	cfg, _ := os.ReadFile("testdata/valid/cpcgen.yaml")
	for _, name := range []string{"accounts.yaml", "users.yaml"} {
		data, _ := os.ReadFile(filepath.Join("testdata/valid/schema", name))
		f.Add(cfg, data)
	}
	dirs, _ := filepath.Glob("../testdata/errors/*")
	for _, dir := range dirs {
		c, _ := os.ReadFile(filepath.Join(dir, "cpcgen.yaml"))
		specs, _ := filepath.Glob(filepath.Join(dir, "schema", "*.yaml"))
		for _, s := range specs {
			data, _ := os.ReadFile(s)
			f.Add(c, data)
		}
	}
	f.Add([]byte("version: 1\npackage: {name: db, dir: db}\nspecs: [a.yaml]\n"), []byte(qspec(`    - {name: A, where: {created_at: between}, paginate: keyset, order_by: [seq]}
    - {name: B, sql: "SELECT $$@x$$, @a::int /* @b */", params: {a: int}, columns: {x: int}}
`)))
	f.Add([]byte(""), []byte("tables: {t: {columns: {id: {type: 'int[]', primary_key: true, default: [[1]]}}}}"))
	f.Add([]byte(""), []byte(`extensions: [pg_trgm, {name: x, version: "1"}]
tables: {t: {columns: {id: {type: int, primary_key: true}}}}
sql_objects:
  - {name: f, kind: function, sql: "CREATE FUNCTION f(a int DEFAULT 1) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN a END; END"}
  - {name: g, kind: trigger, sql: "CREATE TRIGGER g AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", depends_on: [f, t, x]}
  - {name: s.v, kind: view, sql: "CREATE VIEW s.v AS SELECT E'\\'' AS x, $q$;$q$ /* /* */ */", depends_on: [s]}
  - {name: s, kind: schema, sql: CREATE SCHEMA s}
  - {name: o, kind: other, sql: "DO $$ BEGIN END $$", drop: "SELECT 1"}
`))
	f.Fuzz(func(t *testing.T, config, spec []byte) {
		c, err := ParseConfig(".", "cpcgen.yaml", config)
		checkFuzzErr(t, err)
		if c == nil {
			c = testConfig
		}
		p, err := Parse(c, []File{{Name: "schema/a.yaml", Data: spec}})
		checkFuzzErr(t, err)
		if err == nil {
			checkResolved(t, p)
		}
	})
}

func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is %T, not an ErrorList: %v", err, err)
	}
	for _, e := range list {
		if !e.Pos.IsValid() || e.Pos.Line < 1 || e.Pos.Col < 1 {
			t.Errorf("error without a position: %q", e.Error())
		}
		if e.Msg == "" || strings.ContainsAny(e.Msg[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Errorf("bad message %q", e.Msg)
		}
	}
}

// FuzzRewriteParams checks RewriteParams on arbitrary SQL: no panics,
// offsets inside the text pointing at '@name', numbers in order.
func FuzzRewriteParams(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM t WHERE a = @a AND b = @b OR a = @a",
		"'@x' \"@y\" -- @z\n/* /* @w */ */ $$ @v $$ $q$ @u $q$ @t",
		"tags @> @t AND doc @@ @q AND @-@ p AND x <@ y",
		"E'\\'@a' || @b::text",
		"$1", "'", "\"", "/*", "$a$", "@", "@_", "a$1@b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		out, params, err := RewriteParams(sql)
		if err != nil {
			var se *SQLError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(sql) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range params {
			if seen[p.Name] {
				t.Fatalf("parameter %q listed twice", p.Name)
			}
			seen[p.Name] = true
			if p.Offset < 0 || p.Offset >= len(sql) || !strings.HasPrefix(sql[p.Offset:], "@"+p.Name) {
				t.Fatalf("offset %d of %q does not point at it in %q", p.Offset, p.Name, sql)
			}
		}
		if len(params) == 0 && out != sql {
			t.Fatalf("text changed without parameters: %q → %q", sql, out)
		}
		// Rewriting is stable: the output has no @params left to take.
		if _, again, err := RewriteParams(out); err == nil && len(params) > 0 && len(again) > 0 {
			for _, p := range again {
				if seen[p.Name] {
					t.Fatalf("parameter %q survived rewriting: %q", p.Name, out)
				}
			}
		}
	})
}
