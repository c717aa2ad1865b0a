package migration_test

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// TestPartitioningChangeRefused makes a table partitioned, and a
// partitioned one plain: diff refuses both with the table's position and
// the way on, where Atlas's diff said only "partition key cannot be
// added".
func TestPartitioningChangeRefused(t *testing.T) {
	plain := "tables:\n  events:\n    columns:\n      id: {type: bigint}\n      at: {type: timestamptz}\n"
	partitioned := plain + "    partition:\n      by: range\n      key: [at]\n      partitions:\n        - {name: events_2024, values: \"FROM ('2024-01-01') TO ('2025-01-01')\"}\n"
	for _, c := range []struct{ from, to, want string }{
		{plain, partitioned, `schema/spec.yaml:2:3: table "events" is partitioned in the specs but plain where the migrations leave it: PostgreSQL cannot make a table partitioned in place;`},
		{partitioned, plain, `schema/spec.yaml:2:3: table "events" is plain in the specs but partitioned where the migrations leave it: PostgreSQL cannot make a table plain in place;`},
	} {
		p := newProject(t, "golang-migrate")
		p.setSpec([]byte(c.from))
		p.diff("initial", false)
		p.setSpec([]byte(c.to))
		dir, err := migration.ReadDir(p.root, "migrations", p.format)
		if err != nil {
			t.Fatal(err)
		}
		_, err = migration.Diff(p.build(), dir, migration.Options{Name: "change", AllowDestructive: true, AllowBreaking: true, AllowRewrite: true})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("diff: %v\nwant %s", err, c.want)
		}
	}
}
