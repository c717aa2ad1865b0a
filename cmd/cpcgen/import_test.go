package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/internal/importer"
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
	if err := importer.ApplyDDL(ctx, conn, name, ddl); err != nil {
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

// normaliseDump drops comments, SET lines and psql meta-commands from a
// dump and sorts its statements.
func normaliseDump(s string) string {
	s = dumpComment.ReplaceAllString(s, "")
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
func importProject(t *testing.T, url string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/imported\n\ngo 1.25\n")
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
// pg_dump of both; importing the rebuilt database gives the same specs.
func TestImportRoundTrip(t *testing.T) {
	cases := map[string]string{}
	for _, name := range []string{"shop.sql", "music.sql"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = string(data)
	}
	cases["synthetic-200"] = importer.SyntheticDDL(200)
	for name, ddl := range cases {
		t.Run(name, func(t *testing.T) {
			orig := loadDDL(t, name, ddl)
			dir := importProject(t, orig)
			for _, args := range [][]string{{"generate"}, {"migrate", "diff", "baseline"}} {
				if code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...); code != exitOK {
					t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
				}
			}
			rebuilt := pgtest.URL(t)
			if code, out, errOut := cpcgen(t, "-C", dir, "migrate", "apply", "--url", rebuilt); code != exitOK {
				t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
			}
			if a, b := schemaDump(t, orig), schemaDump(t, rebuilt); a != b {
				t.Errorf("pg_dump of the rebuilt database differs from the original:\n%s", lineDiff(a, b))
			}
			again := importProject(t, rebuilt)
			if a, b := readSpecs(t, dir), readSpecs(t, again); !equalMaps(a, b) {
				t.Errorf("importing the rebuilt database gives other specs")
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
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
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "testdata", "shop.sql"))
	if err != nil {
		t.Fatal(err)
	}
	orig := loadDDL(t, "shop.sql", string(data))
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
	write(t, dir, "schema/public.yaml", changed)
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
	write(t, dir, "bad.sql", ddl)
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
	write(t, dir, "schema/public.yaml", "# edited\ntables: {}\n")
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
