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
		if err := diffAllowed(t, []byte(c.from), []byte(c.to)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("diff: %v\nwant %s", err, c.want)
		}
	}
}

// TestPartitionKeyRetypeRefused changes the type of a partition key's
// column, and its collation: diff refuses both at the column's position
// with the way on, where it wrote a migration PostgreSQL refused ("cannot
// alter column "region" because it is part of the partition key").
func TestPartitionKeyRetypeRefused(t *testing.T) {
	spec := func(region string) []byte {
		return []byte("tables:\n  shops:\n    columns:\n      id: {type: bigint}\n      region: " + region + "\n    primary_key: [id, region]\n" +
			"    partition:\n      by: list\n      key: [region]\n      partitions:\n        - {name: shops_eu, values: \"IN ('eu')\"}\n")
	}
	for _, c := range []struct{ to, want string }{
		{"{type: varchar(20)}", `schema/spec.yaml:5:7: column "region" of table "shops" is in its partition key, whose type and collation PostgreSQL cannot change (character varying(10) to character varying(20))`},
		{`{type: varchar(10), collation: "C"}`, `(character varying(10) to character varying(10) COLLATE "C")`},
	} {
		if err := diffAllowed(t, spec("{type: varchar(10)}"), spec(c.to)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("diff: %v\nwant %s", err, c.want)
		}
	}
}

// diffAllowed writes the first migration of a project of the spec from,
// then diffs the spec to against it with every finding allowed, and
// returns the diff's error.
func diffAllowed(t *testing.T, from, to []byte) error {
	t.Helper()
	p := newProject(t, "golang-migrate")
	p.setSpec(from)
	p.diff("initial", false)
	p.setSpec(to)
	dir, err := migration.ReadDir(p.root, "migrations", p.format)
	if err != nil {
		t.Fatal(err)
	}
	_, err = migration.Diff(p.build(), dir, migration.Options{Name: "change", AllowDestructive: true, AllowBreaking: true, AllowRewrite: true})
	return err
}
