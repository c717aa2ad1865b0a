package migration_test

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// TestEnumArraysStayCovered plans a table with arrays of enums, one of
// them named with capitals (quoted in SQL), then an unrelated change: the
// snapshot reads the array types back as the specs build them, so check
// finds nothing uncovered and the next migration does not alter the
// array columns.
func TestEnumArraysStayCovered(t *testing.T) {
	const v1 = `enums:
  status: [draft, "", live]
  Role: [admin, member]
tables:
  posts:
    columns:
      id:     {type: bigint, primary_key: true, identity: true}
      labels: {type: "status[]", default: []}
      roles:  {type: "Role[]", nullable: true}
`
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(v1))
	p.diff("arrays", false)
	if left := uncovered(t, p); len(left) > 0 {
		t.Fatalf("uncovered after diff: %q", left)
	}
	p.setSpec([]byte(v1 + "      note:   {type: text, nullable: true}\n"))
	res := p.diff("note", false)
	if got := strings.Join(res.Planned.Summary, "\n"); !strings.Contains(got, "note") || strings.Contains(got, "labels") || strings.Contains(got, "roles") || len(res.Planned.Summary) != 1 {
		t.Fatalf("second migration plans:\n%s", got)
	}
	if left := uncovered(t, p); len(left) > 0 {
		t.Fatalf("uncovered after the second diff: %q", left)
	}
}

// TestZeroPrecisionStaysCovered drops a column of a table with a
// timestamp(0) column, online (the drop waits for its contract, and the
// snapshot is made by a copy of the schema): the snapshot keeps
// timestamp(0), so check finds nothing uncovered and the next migration
// does not retype the column.
func TestZeroPrecisionStaysCovered(t *testing.T) {
	const v1 = "tables:\n  events:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      at: \"timestamp(0)\"\n      t: \"time(0)\"\n"
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(v1 + "      old: {type: text, nullable: true}\n"))
	p.diff("base", false)
	p.setSpec([]byte(v1))
	// The migration is empty (the drop waits for its contract): only the
	// snapshot is written.
	res := p.diffWith(migration.Options{Name: "drop_old", AllowDestructive: true})
	if res.Blocked || len(res.Pending) != 1 {
		t.Fatalf("drop_old: %s", report(res))
	}
	if err := migration.Write(p.root, res.Files); err != nil {
		t.Fatal(err)
	}
	for _, l := range uncovered(t, p) {
		if !strings.Contains(l, `"old"`) { // the drop waiting for its contract
			t.Errorf("uncovered after the deferred drop: %q", l)
		}
	}
}

// uncovered returns what of p's spec its migrations do not produce, as
// check reports it.
func uncovered(t *testing.T, p *project) []string {
	t.Helper()
	dir, err := migration.ReadDir(p.root, "migrations", "golang-migrate")
	if err != nil {
		t.Fatal(err)
	}
	left, err := migration.Uncovered(p.build(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return left
}
