package migration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// TestDownFillsDroppedColumns drops NOT NULL columns without a default
// from a table with rows, then runs the down migration: PostgreSQL
// refuses to add such a column back to a table with rows, so the down
// adds each with the zero value of its type in every row (as the expand
// step of an online plan keeps such a column) and drops the default
// again, leaving the columns as they were (last in the table), values
// aside. (A column a
// unique index, foreign key or check covers gets no value, and the
// diff's finding says so: the goldens drop_column_unique and
// drop_column_with_keys.)
func TestDownFillsDroppedColumns(t *testing.T) {
	before := []byte(`enums:
  kind: [small, large]
tables:
  items:
    columns:
      id: {type: bigint, primary_key: true}
      name: text
      qty: integer
      price: numeric(10,2)
      tags: text[]
      kind: kind
      seen: timestamptz
      data: jsonb
      span: tstzrange
      addr: inet
      net: cidr
      mac: macaddr
      words: tsvector
      flags: bit(4)
      mask: varbit(8)
`)
	after := []byte(`enums:
  kind: [small, large]
tables:
  items:
    columns:
      id: {type: bigint, primary_key: true}
`)
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	ctx := context.Background()
	migrator := func() *runmigrate.Migrator { return p.migrator(t, db, "golang-migrate") }
	opts := migration.Options{AllowDestructive: true, AllowBreaking: true, Name: "init"}
	p.setSpec(before)
	p.diffWith(opts)
	if _, err := migrator().Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO items VALUES
		(1, 'a', 5, 1.50, '{x}', 'large', now(), '{"a": 1}', tstzrange(now(), null), '10.1.2.3', '10.0.0.0/8', '08:00:2b:01:02:03', 'fat cat', B'1010', B'11'),
		(2, 'b', 6, 2.50, '{}', 'large', now(), '[]', 'empty', '::1', '::/0', '08:00:2b:01:02:04', '', B'0001', B'')`); err != nil {
		t.Fatal(err)
	}
	columns := func() string {
		t.Helper()
		var got string
		if err := db.pool.QueryRow(ctx, `SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END ||
			CASE WHEN a.atthasdef THEN ' default' ELSE '' END, ', ' ORDER BY a.attname)
			FROM pg_attribute a WHERE a.attrelid = 'items'::regclass AND a.attnum > 0 AND NOT a.attisdropped`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := columns()
	p.setSpec(after)
	opts.Name = "drop"
	res := p.diffWith(opts)
	if rep := report(res); strings.Contains(rep, "cannot add it back") {
		t.Errorf("a finding says a column cannot come back:\n%s", rep)
	}
	if _, err := migrator().Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := migrator().Down(ctx, 1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got := columns(); got != want {
		t.Errorf("after the down migration the columns are\n%s\nwant\n%s", got, want)
	}
	var rows string
	if err := db.pool.QueryRow(ctx, `SELECT string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', id, name, qty, price, tags, kind, seen = 'epoch', data, span, addr, net, mac, words, flags, mask), ' ' ORDER BY id) FROM items`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if want := "1||0|0.00|{}|small|t|null|empty|0.0.0.0|0.0.0.0/0|00:00:00:00:00:00||0000| 2||0|0.00|{}|small|t|null|empty|0.0.0.0|0.0.0.0/0|00:00:00:00:00:00||0000|"; rows != want {
		t.Errorf("rows after the down migration: %s, want %s", rows, want)
	}
	if _, err := migrator().Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
}
