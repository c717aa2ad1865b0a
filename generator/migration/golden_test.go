package migration_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/spec"
)

var update = flag.Bool("update", false, "rewrite the expected files under testdata/migrations (go test ./generator -update does, with every other golden)")

func TestMain(m *testing.M) { pgtest.Main(m) }

// project is a throwaway cpcgen project in a temporary directory.
type project struct {
	t      *testing.T
	root   string
	format string
}

func newProject(t *testing.T, format string) *project {
	t.Helper()
	return newEngineProject(t, format, "")
}

// newEngineProject is newProject with engine: set in cpcgen.yaml when
// engine is not empty.
func newEngineProject(t *testing.T, format, engine string) *project {
	t.Helper()
	root := t.TempDir()
	cfg := fmt.Sprintf("version: 1\npackage: {name: appdb, dir: ./appdb}\nspecs: [./schema/*.yaml]\nmigrations: {dir: ./migrations, format: %s}\n", format)
	if engine != "" {
		cfg += "engine: " + engine + "\n"
	}
	if err := os.WriteFile(filepath.Join(root, "cpcgen.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "schema"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &project{t: t, root: root, format: format}
}

// setSpec replaces the project's one spec file.
func (p *project) setSpec(data []byte) {
	p.t.Helper()
	if err := os.WriteFile(filepath.Join(p.root, "schema", "spec.yaml"), data, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *project) build() *ir.Package {
	p.t.Helper()
	proj, err := spec.Load(p.root)
	if err != nil {
		p.t.Fatalf("load: %v", err)
	}
	pkg, err := generator.Build(proj)
	if err != nil {
		p.t.Fatalf("build: %v", err)
	}
	return pkg
}

// diff plans the next migration and writes it unless blocked; allow
// lets everything through (destructive, breaking, rewrites), which plans
// renames and drops in place.
func (p *project) diff(name string, allow bool) *migration.Result {
	p.t.Helper()
	return p.diffWith(migration.Options{Name: name, AllowDestructive: allow, AllowBreaking: allow, AllowRewrite: allow})
}

// diffWith is diff with the options given.
func (p *project) diffWith(opts migration.Options) *migration.Result {
	p.t.Helper()
	pkg := p.build()
	dir, err := migration.ReadDir(p.root, "migrations", p.format)
	if err != nil {
		p.t.Fatal(err)
	}
	res, err := migration.Diff(pkg, dir, opts)
	name := opts.Name
	if err != nil {
		p.t.Fatalf("diff %s: %v", name, err)
	}
	if !res.Blocked && !res.Planned.Empty() {
		if err := migration.Write(p.root, res.Files); err != nil {
			p.t.Fatal(err)
		}
	}
	return res
}

func (p *project) migrationsDir() string { return filepath.Join(p.root, "migrations") }

// report renders what a diff said, as the CLI would list it.
func report(res *migration.Result) string {
	var b strings.Builder
	b.WriteString("changes:\n")
	for _, s := range res.Planned.Summary {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	if len(res.Findings) > 0 {
		b.WriteString("findings:\n")
		for _, f := range res.Findings {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	if len(res.Irreversible) > 0 {
		b.WriteString("irreversible:\n")
		for _, s := range res.Irreversible {
			fmt.Fprintf(&b, "  %s\n", s)
		}
	}
	if len(res.Versions) > 1 {
		fmt.Fprintf(&b, "files: %d versions, %s to %s\n", len(res.Versions), res.Versions[0], res.Versions[len(res.Versions)-1])
	}
	if len(res.Pending) > 0 {
		b.WriteString("pending:\n")
		for _, p := range res.Pending {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	if res.Blocked {
		b.WriteString("blocked\n")
	}
	return b.String()
}

// snapshotOf returns the snapshot a diff wrote.
func snapshotOf(res *migration.Result) []byte {
	for _, f := range res.Files {
		if filepath.Base(f.Path) == migration.SnapshotFile {
			return f.Data
		}
	}
	return nil
}

// goldenCase is one directory of testdata/migrations: before.yaml and
// after.yaml specs, an optional flags file ("allow-destructive",
// "allow-breaking", "allow-rewrite", "online false", "contract",
// "format <name>", "engine <name>"), and the expected output under want/.
// With contract, a second diff with --contract follows the first, and
// its files and report (contract.txt) are expected too. With engine
// citus, the migrations are proven on PostgreSQL with
// testdata/citus_stub.sql standing in for Citus's functions.
type goldenCase struct {
	dir      string
	format   string
	engine   string
	opts     migration.Options
	contract bool
}

func loadCase(t *testing.T, dir string) goldenCase {
	c := goldenCase{dir: dir, format: "golang-migrate", opts: migration.Options{Name: filepath.Base(dir)}}
	if data, err := os.ReadFile(filepath.Join(dir, "flags")); err == nil {
		c.opts.Name = filepath.Base(dir)
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) == 0:
			case f[0] == "allow-destructive":
				c.opts.AllowDestructive = true
			case f[0] == "allow-breaking":
				c.opts.AllowBreaking = true
			case f[0] == "allow-rewrite":
				c.opts.AllowRewrite = true
			case f[0] == "online" && len(f) == 2 && f[1] == "false":
				c.opts.Offline = true
			case f[0] == "contract":
				c.contract = true
			case f[0] == "format" && len(f) == 2:
				c.format = f[1]
			case f[0] == "engine" && len(f) == 2:
				c.engine = f[1]
			default:
				t.Fatalf("%s/flags: unknown line %q", dir, line)
			}
		}
	}
	return c
}

// TestEveryFormatHasAGolden checks that the files of every format but the
// default one (which every other case uses) are a golden case,
// testdata/migrations/format_<name>.
func TestEveryFormatHasAGolden(t *testing.T) {
	for _, f := range migrate.Formats {
		if f.Name == migrate.DefaultFormat {
			continue
		}
		dir := filepath.Join("..", "..", "testdata", "migrations", "format_"+strings.ReplaceAll(f.Name, "-", "_"))
		c := loadCase(t, dir)
		if c.format != f.Name {
			t.Errorf("format %s: %s has no flags file naming it (format %s)", f.Name, dir, f.Name)
		}
	}
}

// TestGoldenDiffs plans the migration from each case's before spec to
// its after spec, compares the files and the report with want/, and then
// proves the files on PostgreSQL: the ups give the after schema (or, when
// columns stay for a pending contract, the snapshot's) and the downs of
// all the migration's versions give back the before schema.
func TestGoldenDiffs(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "migrations", "*", "after.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	// The cases of SQL objects and extensions live beside this package.
	objectCases, _ := filepath.Glob(filepath.Join("testdata", "migrations", "*", "after.yaml"))
	dirs = append(dirs, objectCases...)
	for _, after := range dirs {
		dir := filepath.Dir(after)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			c := loadCase(t, dir)
			p := newEngineProject(t, c.format, c.engine)
			before, err := os.ReadFile(filepath.Join(dir, "before.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			p.setSpec(before)
			p.diffWith(migration.Options{Name: "initial", AllowDestructive: true, Offline: c.opts.Offline})
			beforePkg := p.build()
			afterSpec, err := os.ReadFile(after)
			if err != nil {
				t.Fatal(err)
			}
			p.setSpec(afterSpec)
			res := p.diffWith(c.opts)
			got := map[string]string{"report.txt": report(res)}
			addFiles(got, res)
			var contract *migration.Result
			if c.contract && !res.Blocked {
				copts := c.opts
				copts.Name, copts.Contract = "contract_"+copts.Name, true
				contract = p.diffWith(copts)
				got["contract.txt"] = report(contract)
				addFiles(got, contract)
			}
			wantDir := filepath.Join(dir, "want")
			if *update {
				os.RemoveAll(wantDir)
				os.MkdirAll(wantDir, 0o755)
				for name, data := range got {
					if err := os.WriteFile(filepath.Join(wantDir, name), []byte(data), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			want := map[string]string{}
			entries, _ := os.ReadDir(wantDir)
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(wantDir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				want[e.Name()] = string(data)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("output differs (-want +got); run `go test ./generator -update` if intended:\n%s", d)
			}
			if res.Blocked || res.Planned.Empty() && len(res.Pending) == 0 {
				return
			}
			// Prove the files on PostgreSQL.
			db := openDB(t)
			if c.engine == "citus" {
				stub, err := os.ReadFile(filepath.Join("..", "..", "testdata", "citus_stub.sql"))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.pool.Exec(context.Background(), string(stub)); err != nil {
					t.Fatalf("citus stub: %v", err)
				}
			}
			db.notePreexisting(t)
			ctx := context.Background()
			m := p.migrator(t, db, c.format)
			if contract != nil {
				last, _ := strconv.ParseInt(res.Versions[len(res.Versions)-1], 10, 64)
				if _, err := m.UpTo(ctx, last); err != nil {
					t.Fatalf("up to the expand: %v", err)
				}
				assertSnapshot(t, db, snapshotOf(res), nil)
			}
			if _, err := m.Up(ctx); err != nil {
				t.Fatalf("up: %v", err)
			}
			if contract == nil {
				assertSnapshot(t, db, snapshotOf(res), nil)
				if len(res.Pending) == 0 {
					assertSchema(t, db, p.build(), nil)
				}
				assertObjects(t, db, p.build(), syncObjects(res.Pending)...)
			} else {
				assertSchema(t, db, p.build(), nil)
				assertObjects(t, db, p.build())
			}
			if !migrate.LookupFormat(c.format).HasDown() {
				return
			}
			if contract != nil {
				if _, err := m.Down(ctx, len(contract.Versions)); err != nil {
					t.Fatalf("down the contract: %v", err)
				}
				assertSnapshot(t, db, snapshotOf(res), nil)
			}
			if len(res.Versions) == 0 {
				return
			}
			if _, err := m.Down(ctx, len(res.Versions)); err != nil {
				t.Fatalf("down: %v", err)
			}
			assertSchema(t, db, beforePkg, res.Irreversible)
			assertObjects(t, db, beforePkg)
		})
	}
}

// addFiles adds the migration files of a diff to got, by base name.
func addFiles(got map[string]string, res *migration.Result) {
	for _, f := range res.Files {
		base := filepath.Base(f.Path)
		if base == migration.SumFile || base == migration.SnapshotFile {
			continue
		}
		got[base] = string(f.Data)
	}
}

// migrator opens the runner on the project's migrations directory.
func (p *project) migrator(t *testing.T, db *testDB, format string) *migrate.Migrator {
	t.Helper()
	m, err := migrate.New(db.pool, os.DirFS(p.migrationsDir()), migrate.Options{Format: format})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
