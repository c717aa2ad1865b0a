package migration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/spec"
)

// The specs of the online acceptance tests: a base, and one change of
// each kind the issue lists. onlineBase's package (v1db) is the release
// running while each change is applied; renameSpec's (v2db) and
// dropSpec's (v3db) are the next releases of the rolling deploys.
const onlineBase = `tables:
  owners:
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      name: {type: text}
  accounts:
    columns:
      id:       {type: bigint, primary_key: true, identity: true}
      owner_id: {type: bigint}
      holder:   {type: text}
      region:   {type: text}
      balance:  {type: bigint, default: 0}
      status:   {type: text, nullable: true}
`

// onlineKind is one kind of change: the spec after it and what the
// planner must be allowed.
type onlineKind struct {
	name  string
	after string
	// breaking is set for a change the running code cannot survive
	// planned in place: offline it needs --allow-breaking.
	breaking bool
	// alwaysBreaking needs --allow-breaking online too (SET NOT NULL of a
	// column the old code may write NULL to).
	alwaysBreaking bool
	// contract is set for the expand/contract changes online.
	contract bool
}

// replaceOnce replaces old, which must be there, by new.
func replaceOnce(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("test spec lacks " + old)
	}
	return strings.Replace(s, old, new, 1)
}

var (
	renameSpec = replaceOnce(onlineBase, "holder:   {type: text}", "owner_name: {type: text, renamed_from: holder}")
	dropSpec   = replaceOnce(onlineBase, "      region:   {type: text}\n", "")
)

var onlineKinds = []onlineKind{
	{name: "add_index", after: onlineBase + "    indexes:\n      - {columns: [status]}\n"},
	{name: "add_foreign_key", after: replaceOnce(onlineBase, "owner_id: {type: bigint}", "owner_id: {type: bigint, references: owners.id}")},
	{name: "add_check", after: replaceOnce(onlineBase, "balance:  {type: bigint, default: 0}", `balance:  {type: bigint, default: 0, check: "balance >= 0"}`)},
	{name: "set_not_null", after: replaceOnce(onlineBase, "status:   {type: text, nullable: true}", "status:   {type: text}"), alwaysBreaking: true},
	{name: "add_column_default", after: onlineBase + "      flag:     {type: boolean, default: false}\n"},
	{name: "add_column_volatile", after: onlineBase + "      token:    {type: uuid, default: gen_random_uuid()}\n"},
	{name: "rename", after: renameSpec, breaking: true, contract: true},
	{name: "drop_column", after: dropSpec, breaking: true, contract: true},
}

// onlineManifest tells the driver which versions to apply: the change
// (expand) and, online, its contract.
type onlineManifest struct {
	Expand   int64 `json:"expand"`
	Contract int64 `json:"contract"`
}

var (
	onlineOnce sync.Once
	onlineErr  error
)

// onlineWork generates, once per test binary, what the driver package
// (testdata/online) imports and reads: the packages of the three
// releases under testdata/online/gen, and, for each kind of change and
// each mode, a migrations directory planned by migrate diff.
func onlineWork(t *testing.T) string {
	t.Helper()
	work, err := filepath.Abs(filepath.Join("testdata", "online", "gen"))
	if err != nil {
		t.Fatal(err)
	}
	onlineOnce.Do(func() { onlineErr = generateOnline(t, work) })
	if onlineErr != nil {
		t.Fatal(onlineErr)
	}
	return work
}

func generateOnline(t *testing.T, work string) error {
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	for _, g := range []struct{ name, spec string }{{"v1db", onlineBase}, {"v2db", renameSpec}, {"v3db", dropSpec}} {
		if err := generatePackage(filepath.Join(work, g.name), g.name, g.spec); err != nil {
			return err
		}
	}
	for _, mode := range []string{"online", "offline"} {
		for _, k := range onlineKinds {
			p := newProject(t, "golang-migrate")
			p.setSpec([]byte(onlineBase))
			p.diffWith(migration.Options{Name: "init", Offline: mode == "offline"})
			p.setSpec([]byte(k.after))
			opts := migration.Options{Name: k.name, AllowDestructive: true, Offline: mode == "offline",
				AllowBreaking: k.alwaysBreaking || mode == "offline" && k.breaking}
			res := p.diffWith(opts)
			if res.Blocked || len(res.Versions) == 0 && len(res.Pending) == 0 {
				return fmt.Errorf("%s/%s: not planned:\n%s", mode, k.name, report(res))
			}
			var man onlineManifest
			man.Expand = 1
			if len(res.Versions) > 0 {
				man.Expand, _ = strconv.ParseInt(res.Versions[len(res.Versions)-1], 10, 64)
			}
			if mode == "online" && k.contract {
				opts.Contract, opts.Name = true, "contract_"+k.name
				c := p.diffWith(opts)
				if c.Blocked || len(c.Versions) == 0 {
					return fmt.Errorf("%s/%s: contract not planned:\n%s", mode, k.name, report(c))
				}
				man.Contract, _ = strconv.ParseInt(c.Versions[len(c.Versions)-1], 10, 64)
			}
			dst := filepath.Join(work, "migrations", mode, k.name)
			copyDir(t, p.migrationsDir(), dst)
			data, _ := json.Marshal(man)
			if err := os.WriteFile(filepath.Join(dst, "manifest.json"), data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// generatePackage runs the generator on a spec into dir, as the package
// name of the import path …/testdata/online/gen/<name>.
func generatePackage(dir, name, specText string) error {
	if err := os.MkdirAll(filepath.Join(dir, "schema"), 0o755); err != nil {
		return err
	}
	cfg := fmt.Sprintf("version: 1\npackage: {name: %s, dir: ., import_path: github.com/cpcgen/cpcgen/generator/migration/testdata/online/gen/%s}\nspecs: [./schema/*.yaml]\n", name, name)
	if err := os.WriteFile(filepath.Join(dir, "cpcgen.yaml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "schema", "spec.yaml"), []byte(specText), 0o644); err != nil {
		return err
	}
	proj, err := spec.Load(dir)
	if err != nil {
		return err
	}
	_, tree, err := generator.Generate(proj)
	if err != nil {
		return err
	}
	_, err = writer.Write(dir, tree)
	return err
}

// runDriver runs the driver's tests matching run as a test binary of
// their own, against this binary's PostgreSQL, with a table of rows
// accounts.
func runDriver(t *testing.T, run string, rows int) string {
	t.Helper()
	work := onlineWork(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the generated packages: %v", err)
	}
	cmd := exec.Command(goBin, "test", "-count=1", "-timeout=20m", "-v", "-run", run, "./testdata/online")
	cmd.Env = append(os.Environ(),
		pgtest.EnvDatabaseURL+"="+pgtest.Current(t).AdminURL(),
		"CPCGEN_ONLINE_WORK="+work,
		"CPCGEN_ONLINE_ROWS="+strconv.Itoa(rows))
	out, err := cmd.CombinedOutput()
	t.Logf("go test -run %s ./testdata/online:\n%s", run, out)
	if err != nil {
		t.Fatalf("driver failed: %v", err)
	}
	return string(out)
}

// TestRollingDeploy runs the previous and the new generated package side
// by side during each step of an expand/contract rename and of a
// deferred drop (the driver's TestRolling*): neither sees an error.
func TestRollingDeploy(t *testing.T) {
	runDriver(t, "TestRolling", 20_000)
}

// TestBackfillKeylessTable adds a column with a volatile default to two
// tables without a primary key, which the runner's backfill cannot walk
// by it: one with a unique index over NOT NULL columns, which the backfill
// walks instead (key= in its directive), and one without (Coder's
// workspace_agent_scripts), which gets the column with its default in
// the schema step, rewritten. Either way the existing rows get a value.
func TestBackfillKeylessTable(t *testing.T) {
	ctx := context.Background()
	spec := func(extra string) []byte {
		return []byte("tables:\n  scripts:\n    columns:\n      name: text\n" + extra +
			"  runs:\n    columns:\n      code: {type: text, unique: true}\n" + extra)
	}
	runSteps(t, []migrationStep{
		{spec(""), "scripts:2/0 runs:2/0"},
		{spec("      id: {type: uuid, default: gen_random_uuid()}\n"), "scripts:2/2 runs:2/2"},
	}, func(db *testDB) string {
		var out []string
		for _, table := range []string{"scripts", "runs"} {
			col := map[string]string{"scripts": "name", "runs": "code"}[table]
			if _, err := db.pool.Exec(ctx, `INSERT INTO `+table+` (`+col+`) SELECT v FROM (VALUES ('a'), ('b')) x(v) WHERE NOT EXISTS (SELECT FROM `+table+`)`); err != nil {
				t.Fatal(err)
			}
			var hasID bool
			if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'id' AND NOT attisdropped)`, table).Scan(&hasID); err != nil {
				t.Fatal(err)
			}
			filled := "0"
			var n, f int
			q := `SELECT count(*), 0 FROM ` + table
			if hasID {
				q = `SELECT count(*), count(id) FROM ` + table
			}
			if err := db.pool.QueryRow(ctx, q).Scan(&n, &f); err != nil {
				t.Fatal(err)
			}
			filled = strconv.Itoa(f)
			out = append(out, fmt.Sprintf("%s:%d/%s", table, n, filled))
		}
		return strings.Join(out, " ")
	})
}

// TestKeyAttachStepsBack adds a unique constraint, and a primary key, to
// tables there are, online: the index is built concurrently in a step
// of its own and made the constraint in a later step (ADD CONSTRAINT …
// UNIQUE USING INDEX in the validate step; … PRIMARY KEY USING INDEX in
// the schema step). The down of that step dropped the constraint, and
// with it the index the step before built: applied again after migrate
// down 1, the step failed (index does not exist). Each step is stepped
// back and applied again, then the whole migration is undone.
func TestKeyAttachStepsBack(t *testing.T) {
	const table = "tables:\n  items:\n    columns:\n      id: {type: bigint, primary_key: true}\n      a: integer\n      b: integer\n"
	t.Run("unique", func(t *testing.T) {
		stepsBack(t, table, table+"    indexes:\n      - {name: items_a_b_key, columns: [a, b], unique: true, constraint: true}\n")
	})
	t.Run("primary key", func(t *testing.T) {
		const plain = "tables:\n  items:\n    columns:\n      id: {type: bigint}\n      a: integer\n"
		stepsBack(t, plain, "tables:\n  items:\n    columns:\n      id: {type: bigint, primary_key: true}\n      a: integer\n")
	})
}

// stepsBack migrates table items from the spec before to after, then
// steps back n files and applies them again for each n, and undoes the
// whole migration, comparing the table's indexes and constraints each
// time.
func stepsBack(t *testing.T, before, after string) {
	ctx := context.Background()
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(before))
	p.diff("initial", false)
	p.setSpec([]byte(after))
	res := p.diff("key", true)
	if len(res.Versions) < 2 {
		t.Fatalf("the key is made in %d file(s), want a step building its index and one attaching it:\n%s", len(res.Versions), report(res))
	}
	db := openDB(t)
	m := p.migrator(t, db, "golang-migrate")
	state := func() string {
		var s string
		if err := db.pool.QueryRow(ctx, `SELECT coalesce(string_agg(c.relname || ':' || coalesce(k.contype::text, '-'), ' ' ORDER BY c.relname), '')
			FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid LEFT JOIN pg_constraint k ON k.conindid = c.oid
			WHERE i.indrelid = 'items'::regclass`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := m.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	was := state()
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	now := state()
	for n := 1; n < len(res.Versions); n++ {
		if _, err := m.Down(ctx, n); err != nil {
			t.Fatalf("down %d: %v", n, err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("up again after down %d: %v", n, err)
		}
		if got := state(); got != now {
			t.Errorf("after down %d and up: %s, want %s", n, got, now)
		}
	}
	if _, err := m.Down(ctx, len(res.Versions)); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got := state(); got != was {
		t.Errorf("after the down migration: %s, want %s", got, was)
	}
}
