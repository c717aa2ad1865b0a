package migration_test

import (
	"context"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// TestInspectSetColumns checks that the column list of ON DELETE SET
// NULL (col), which Atlas's inspection drops, is read back from the
// catalogs, and that a plain SET NULL stays plain.
func TestInspectSetColumns(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := db.pool.Exec(ctx, `
CREATE TABLE parents (org int, id int, PRIMARY KEY (id), UNIQUE (org, id));
CREATE TABLE children (id int PRIMARY KEY, org int NOT NULL, parent_id int, other_id int,
  CONSTRAINT children_parent_id_fkey FOREIGN KEY (org, parent_id) REFERENCES parents (org, id) ON DELETE SET NULL (parent_id),
  CONSTRAINT children_other_id_fkey FOREIGN KEY (other_id) REFERENCES parents (id) ON DELETE SET NULL)`); err != nil {
		t.Fatal(err)
	}
	s := db.inspect(t)
	tb, _ := s.Table("children")
	want := map[string]schema.ReferenceOption{
		"children_parent_id_fkey": `SET NULL ("parent_id")`,
		"children_other_id_fkey":  schema.SetNull,
	}
	for name, action := range want {
		fk, ok := tb.ForeignKey(name)
		if !ok || fk.OnDelete != action {
			t.Errorf("%s: ON DELETE %v, want %v", name, fk.OnDelete, action)
		}
	}
	// A normalized copy of the schema gets the lists back from it.
	n := normalizeSchema(t, s, nil, nil)
	nt, _ := n.Table("children")
	if fk, _ := nt.ForeignKey("children_parent_id_fkey"); fk.OnDelete != `SET NULL ("parent_id")` {
		t.Errorf("normalized: ON DELETE %v", fk.OnDelete)
	}
}

// TestSnapshotKeepsSetColumns checks that the snapshot file keeps the
// column list of ON DELETE SET NULL (col), which Atlas's HCL cannot
// hold, and that the HCL itself stays plain SET NULL.
func TestSnapshotKeepsSetColumns(t *testing.T) {
	s := schema.New("public")
	parents := schema.NewTable("parents").AddColumns(schema.NewIntColumn("org", "int"), schema.NewIntColumn("id", "int"))
	children := schema.NewTable("children").AddColumns(schema.NewIntColumn("org", "int"), schema.NewIntColumn("parent_id", "int"))
	s.AddTables(parents, children)
	org, _ := children.Column("org")
	pid, _ := children.Column("parent_id")
	porg, _ := parents.Column("org")
	id, _ := parents.Column("id")
	children.AddForeignKeys(&schema.ForeignKey{Symbol: "children_parent_id_fkey", Table: children, Columns: []*schema.Column{org, pid},
		RefTable: parents, RefColumns: []*schema.Column{porg, id}, OnDelete: `SET NULL ("parent_id")`})
	data, err := migration.Snapshot(migration.SnapshotContent{Schema: s})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `# cpcgen:fk-set-columns {"table":"children","constraint":"children_parent_id_fkey","on_delete":"SET NULL","columns":["parent_id"]}`) ||
		!strings.Contains(string(data), "on_delete   = SET_NULL") {
		t.Fatalf("snapshot:\n%s", data)
	}
	if fk, _ := children.ForeignKey("children_parent_id_fkey"); fk.OnDelete != `SET NULL ("parent_id")` {
		t.Fatalf("Snapshot changed the schema: ON DELETE %v", fk.OnDelete)
	}
	back, err := migration.ParseSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	bt, _ := back.Table("children")
	if fk, _ := bt.ForeignKey("children_parent_id_fkey"); fk.OnDelete != `SET NULL ("parent_id")` {
		t.Fatalf("parsed back: ON DELETE %v", fk.OnDelete)
	}
}
