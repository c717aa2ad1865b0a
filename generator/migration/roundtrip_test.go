package migration_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/runtime/migrate"
)

// readEvolution returns a schema growing over six versions the way an
// app's does (testdata/evolution/v1.yaml to v6.yaml, each saying what it
// changes): tables and enums added, columns added, renamed, widened and
// dropped, a table renamed, indexes, checks and foreign keys added and
// removed.
func readEvolution(t *testing.T) [][]byte {
	t.Helper()
	var versions [][]byte
	for v := 1; ; v++ {
		data, err := os.ReadFile(filepath.Join("testdata", "evolution", fmt.Sprintf("v%d.yaml", v)))
		if errors.Is(err, fs.ErrNotExist) && v > 1 {
			return versions
		}
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, data)
	}
}

// TestRoundTrip writes the six versions' migrations in every format (the
// rows of migrate.Formats), then
// on PostgreSQL: all ups give exactly the last version's schema (Atlas
// inspection against the spec's schema, empty diff both ways), each down
// gives back the previous version's schema, and all downs give an empty
// database. The only tolerated difference is an enum value a migration
// declared irreversible.
func TestRoundTrip(t *testing.T) {
	start := time.Now()
	evolution := readEvolution(t)
	// The spec schema of each version, normalized once.
	pkgs := make([]*ir.Package, len(evolution)+1)
	irreversibleFrom := len(evolution) + 1 // first version whose down leaves an enum value behind
	{
		p := newProject(t, "golang-migrate")
		for i, v := range evolution {
			p.setSpec(v)
			pkgs[i+1] = p.build()
			res := p.diff(fmt.Sprintf("version %d", i+1), true)
			if res.Planned.Empty() {
				t.Fatalf("version %d: no changes", i+1)
			}
			if len(res.Irreversible) > 0 && i+1 < irreversibleFrom {
				irreversibleFrom = i + 1
			}
			// The snapshot now covers the spec.
			dir, err := migration.ReadDir(p.root, "migrations", "golang-migrate")
			if err != nil {
				t.Fatal(err)
			}
			if left, err := migration.Uncovered(pkgs[i+1], dir); err != nil || len(left) > 0 {
				t.Fatalf("version %d: uncovered after diff: %v %v", i+1, left, err)
			}
		}
	}
	// Every row of the runner's format table: the renderer writes it, the
	// runner reads and applies it.
	for _, format := range migrate.FormatNames() {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			p := newProject(t, format)
			// last[v] is the last version of the files of spec version v:
			// a lock-safe plan writes several.
			last := make([]int64, len(evolution)+1)
			steps := make([]int, len(evolution)+1)
			total := 0
			for i, v := range evolution {
				p.setSpec(v)
				res := p.diff(fmt.Sprintf("version %d", i+1), true)
				n, err := strconv.ParseInt(res.Versions[len(res.Versions)-1], 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				last[i+1], steps[i+1] = n, len(res.Versions)
				total += len(res.Versions)
			}
			db := openDB(t)
			m, err := migrate.New(db.pool, os.DirFS(p.migrationsDir()), migrate.Options{Format: format})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(m.Migrations()); n != total {
				t.Fatalf("%d migrations, want %d", n, total)
			}
			ctx := context.Background()
			// Step by step: each version's schema after its up.
			for v := 1; v <= len(evolution); v++ {
				if _, err := m.UpTo(ctx, last[v]); err != nil {
					t.Fatalf("up to %d: %v", v, err)
				}
				assertSchema(t, db, pkgs[v], nil)
			}
			if !migrate.LookupFormat(format).HasDown() {
				return
			}
			for v := len(evolution); v >= 1; v-- {
				if _, err := m.Down(ctx, steps[v]); err != nil {
					t.Fatalf("down from %d: %v", v, err)
				}
				var tolerate []string
				if v-1 < irreversibleFrom {
					// The enum value added by version irreversibleFrom
					// stays, as its down file says.
					tolerate = []string{"enum value"}
				}
				if v-1 == 0 {
					assertEmpty(t, db)
					continue
				}
				assertSchema(t, db, pkgs[v-1], tolerate)
			}
		})
	}
	t.Cleanup(func() {
		t.Logf("round trip of %d versions in 5 formats: %s", len(evolution), time.Since(start).Round(time.Millisecond))
	})
}

// assertEmpty checks that the database holds no table and no type of
// the spec any more.
func assertEmpty(t *testing.T, db *testDB) {
	t.Helper()
	got := db.inspect(t)
	changes, err := db.drv.SchemaDiff(got, schema.New("public"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		t.Errorf("database not empty after all downs: %s", describeChange(c))
	}
}
