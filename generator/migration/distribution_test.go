package migration_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
)

// citusSpec distributes one table by a column and replicates another.
const citusSpec = `tables:
  regions:
    reference: true
    columns:
      id: {type: integer, primary_key: true}
  events:
    distributed_by: org_id
    primary_key: [org_id, tenant_id, id]
    columns:
      org_id:    uuid
      tenant_id: uuid
      id:        uuid
`

// TestDistributionsInSnapshot checks that the snapshot keeps the tables'
// distribution (and atlas.sum covers it), that a change of it no
// migration covers is reported, and that a plain PostgreSQL project's
// snapshot holds none.
func TestDistributionsInSnapshot(t *testing.T) {
	p := newEngineProject(t, "golang-migrate", "citus")
	p.setSpec([]byte(citusSpec))
	p.diff("initial", false)
	snap, err := os.ReadFile(filepath.Join(p.migrationsDir(), migration.SnapshotFile))
	if err != nil {
		t.Fatal(err)
	}
	got, err := migration.ParseDistributions(snap)
	if err != nil {
		t.Fatal(err)
	}
	want := []ir.Distribution{{Table: "events", Column: "org_id"}, {Table: "regions"}}
	if len(got) != len(want) || *got[0] != want[0] || *got[1] != want[1] {
		t.Fatalf("snapshot distributions %+v, want %+v\n%s", got, want, snap)
	}
	dir, err := migration.ReadDir(p.root, "migrations", "golang-migrate")
	if err != nil {
		t.Fatal(err)
	}
	if err := dir.CheckSum(); err != nil {
		t.Fatal(err)
	}

	// Redistributing is a spec change of its own.
	p.setSpec([]byte(strings.Replace(citusSpec, "distributed_by: org_id", "distributed_by: tenant_id", 1)))
	changes, err := migration.Uncovered(p.build(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(changes, []string{`redistribute table "events" by "tenant_id" (Citus)`}) {
		t.Errorf("uncovered changes %q", changes)
	}

	// A hand-edited line is refused.
	bad := strings.Replace(string(snap), `"table":"events"`, `"tabel":"events"`, 1)
	if _, err := migration.ParseDistributions([]byte(bad)); err == nil || !strings.Contains(err.Error(), "bad distribution line") {
		t.Errorf("bad line: %v", err)
	}

	plain := newProject(t, "golang-migrate")
	plain.setSpec([]byte("tables:\n  t:\n    columns:\n      id: {type: bigint, primary_key: true}\n"))
	plain.diff("initial", false)
	snap, err = os.ReadFile(filepath.Join(plain.migrationsDir(), migration.SnapshotFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(snap), "cpcgen:distribution") {
		t.Errorf("a postgres project's snapshot holds distributions:\n%s", snap)
	}
}
