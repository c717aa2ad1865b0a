package migration_test

import (
	"context"
	"strings"
	"testing"
)

// TestRenameKeepsPartitionIndexNames renames the columns of a
// partitioned table's index and unique key, one of them retyped too
// (PostgreSQL makes the partitions' indexes of a retyped column again,
// naming them after the column's name then), and wants the partitions'
// indexes to have the names a database made from the specs gives them,
// and their old names back after the down migration; a partition's
// index renamed by hand is left alone.
func TestRenameKeepsPartitionIndexNames(t *testing.T) {
	before := `
tables:
  events:
    columns:
      id:   {type: bigint}
      at:   {type: timestamptz}
      kind: {type: text}
      code: {type: varchar(100)}
    primary_key: [id, at]
    indexes:
      - {columns: [kind]}
      - {columns: [code, at], unique: true}
    partition:
      by: range
      key: [at]
      partitions:
        - {name: events_2024, values: "FROM ('2024-01-01') TO ('2025-01-01')"}
        - {name: events_2025, values: "FROM ('2025-01-01') TO ('2026-01-01')"}
`
	after := `
tables:
  events:
    columns:
      id:       {type: bigint}
      at:       {type: timestamptz}
      category: {type: text, renamed_from: kind}
      ref:      {type: varchar(200), renamed_from: code}
    primary_key: [id, at]
    indexes:
      - {columns: [category]}
      - {columns: [ref, at], unique: true}
    partition:
      by: range
      key: [at]
      partitions:
        - {name: events_2024, values: "FROM ('2024-01-01') TO ('2025-01-01')"}
        - {name: events_2025, values: "FROM ('2025-01-01') TO ('2026-01-01')"}
`
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(before))
	p.diff("initial", false)
	p.setSpec([]byte(after))
	p.diff("rename", true)
	db := openDB(t)
	ctx := context.Background()
	m := p.migrator(t, db, "golang-migrate")
	if _, err := m.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `ALTER INDEX events_2025_kind_idx RENAME TO kinds_2025`); err != nil {
		t.Fatal(err)
	}
	indexes := func() string { return indexNames(t, db, "events_20%") }
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if got, want := indexes(), "events_2024_category_idx events_2024_pkey events_2024_ref_at_idx events_2025_pkey events_2025_ref_at_idx kinds_2025"; got != want {
		t.Errorf("partitions' indexes after the up migration: %q, want %q", got, want)
	}
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got, want := indexes(), "events_2024_code_at_idx events_2024_kind_idx events_2024_pkey events_2025_code_at_idx events_2025_pkey kinds_2025"; got != want {
		t.Errorf("partitions' indexes after the down migration: %q, want %q", got, want)
	}
}

// TestRenameAndDropKeepsPartitionIndexNames: an index over a column the
// migration renames and the index drops is made again by the down
// migration while the column has its new name; its partitions' indexes
// get the old column's name back, as a database made from the old specs
// has them.
func TestRenameAndDropKeepsPartitionIndexNames(t *testing.T) {
	before := `
tables:
  events:
    columns:
      id:   {type: bigint}
      at:   {type: timestamptz}
      kind: {type: text}
      code: {type: text}
    primary_key: [id, at]
    indexes:
      - {columns: [kind, code]}
    partition:
      by: range
      key: [at]
      partitions:
        - {name: events_2024, values: "FROM ('2024-01-01') TO ('2025-01-01')"}
        - {name: events_rest, values: DEFAULT}
`
	after := `
tables:
  events:
    columns:
      id:       {type: bigint}
      at:       {type: timestamptz}
      category: {type: text, renamed_from: kind}
      code:     {type: text}
    primary_key: [id, at]
    partition:
      by: range
      key: [at]
      partitions:
        - {name: events_2024, values: "FROM ('2024-01-01') TO ('2025-01-01')"}
        - {name: events_rest, values: DEFAULT}
`
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(before))
	p.diff("initial", false)
	p.setSpec([]byte(after))
	p.diff("rename", true)
	db := openDB(t)
	ctx := context.Background()
	m := p.migrator(t, db, "golang-migrate")
	indexes := func() string { return indexNames(t, db, "events_%") }
	if _, err := m.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	want := indexes()
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if got := indexes(); got != "events_2024_pkey events_rest_pkey" {
		t.Errorf("partitions' indexes after the up migration: %q", got)
	}
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got := indexes(); got != want || !strings.Contains(got, "events_2024_kind_code_idx") {
		t.Errorf("partitions' indexes after the down migration: %q, want %q", got, want)
	}
}

// indexNames returns the names of the indexes of the tables whose name
// is LIKE pattern, sorted, separated by spaces.
func indexNames(t *testing.T, db *testDB, pattern string) string {
	t.Helper()
	var s string
	if err := db.pool.QueryRow(context.Background(), `SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname LIKE $1`, pattern).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
