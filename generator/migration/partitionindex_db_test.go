package migration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// eventsSpec is a table partitioned by range over at, with a partition
// for 2026, whose primary key holds the partition key.
const eventsSpec = "tables:\n  events:\n    columns:\n      id: {type: bigint, identity: true}\n      at: date\n      kind: text\n" +
	"    primary_key: [id, at]\n    partition:\n      by: range\n      key: [at]\n      partitions:\n" +
	"        - {name: events_2026, values: \"FROM ('2026-01-01') TO ('2027-01-01')\"}\n"

// TestPartitionedIndexOnline adds indexes to a partitioned table that
// has rows, a partition the spec declares, one made by hand and one
// partitioned itself (made by hand too), then runs the migration up,
// down and up again. The plan builds no index of the table under its
// lock: the index is made ON ONLY, the declared partition's index is
// built concurrently under the name PostgreSQL gives it when it
// recurses, and the others are indexed by the step's DO block; after it
// every index is valid, attached to the table's, and a duplicate is
// refused in each partition. Down drops them all; up makes them again.
func TestPartitionedIndexOnline(t *testing.T) {
	p, db := appliedProject(t, eventsSpec)
	ctx := context.Background()
	for _, sql := range []string{
		`CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')`,
		`CREATE TABLE events_old PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2026-01-01') PARTITION BY RANGE (at)`,
		`CREATE TABLE events_2025 PARTITION OF events_old FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')`,
		`INSERT INTO events (at, kind) SELECT x.d, 'k' || (i % 5) FROM generate_series(1, 3000) i, LATERAL (SELECT date '2025-06-01' + i / 4 AS d) x`,
	} {
		if _, err := db.pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	p.setSpec([]byte(strings.Replace(eventsSpec, "    partition:", "    indexes:\n      - {columns: [kind]}\n      - {columns: [at, kind], unique: true, where: \"kind <> 'k0'\"}\n    partition:", 1)))
	res := p.diffWith(migration.Options{Name: "kind", AllowDestructive: true})
	if res.Blocked {
		t.Fatal(report(res))
	}
	var up string
	for _, f := range res.Files {
		if strings.HasSuffix(f.Path, ".up.sql") {
			up += string(f.Data)
		}
	}
	for _, line := range strings.Split(up, "\n") {
		stmt := strings.TrimSpace(line)
		if strings.Contains(stmt, "CREATE ") && strings.Contains(stmt, " INDEX ") && !strings.Contains(stmt, " ON ONLY ") &&
			!strings.Contains(stmt, "CONCURRENTLY") && !strings.HasPrefix(stmt, "DO ") {
			t.Errorf("an index of a partition built under its lock outside the DO block: %s", stmt)
		}
	}
	// indexed fails the test unless each of the table's two new indexes
	// is valid and every partition, at every level, has one attached.
	indexed := func(when string) {
		t.Helper()
		var bad string
		if err := db.pool.QueryRow(ctx, `WITH RECURSIVE parts(rel) AS (
  SELECT inhrelid FROM pg_inherits WHERE inhparent = 'events'::regclass
  UNION ALL SELECT i.inhrelid FROM pg_inherits i JOIN parts ON i.inhparent = parts.rel),
idx(ix) AS (
  SELECT ix FROM unnest(ARRAY['events_kind_idx', 'events_at_kind_key']::regclass[]) ix
  UNION ALL SELECT i.inhrelid FROM pg_inherits i JOIN idx ON i.inhparent = idx.ix)
SELECT coalesce(string_agg(p.rel::regclass::text || ' lacks ' || n, ', '), '') FROM parts p,
  (VALUES ('kind'), ('at, kind')) v(n)
WHERE NOT EXISTS (SELECT FROM idx JOIN pg_index x ON x.indexrelid = idx.ix WHERE x.indrelid = p.rel AND x.indisvalid
  AND x.indnatts = CASE WHEN n = 'kind' THEN 1 ELSE 2 END)`).Scan(&bad); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if bad != "" {
			t.Fatalf("%s: %s", when, bad)
		}
		for _, at := range []string{"2025-06-02", "2026-03-01", "2027-03-01"} {
			if _, err := db.pool.Exec(ctx, `INSERT INTO events (at, kind) VALUES ($1, 'x'), ($1, 'x')`, at); err == nil || !strings.Contains(err.Error(), "23505") {
				t.Fatalf("%s: a duplicate (%s, x) was not refused: %v", when, at, err)
			}
		}
	}
	m := p.migrator(t, db, "golang-migrate")
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v\n%s", err, report(res))
	}
	indexed("up")
	var names string
	if err := db.pool.QueryRow(ctx, `SELECT string_agg(indexrelid::regclass::text, ' ' ORDER BY indexrelid::regclass::text) FROM pg_index
WHERE indrelid IN ('events_2026'::regclass, 'events_2027'::regclass, 'events_2025'::regclass) AND NOT indisprimary`).Scan(&names); err != nil {
		t.Fatal(err)
	}
	if want := "events_2025_at_kind_idx events_2025_kind_idx events_2026_at_kind_idx events_2026_kind_idx events_2027_at_kind_idx events_2027_kind_idx"; names != want {
		t.Errorf("partitions' index names: %s, want PostgreSQL's own: %s", names, want)
	}
	if _, err := m.Down(ctx, len(res.Versions)); err != nil {
		t.Fatalf("down: %v", err)
	}
	var left int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relkind IN ('i', 'I') AND relname LIKE 'events%' AND relname NOT LIKE '%pkey'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("down left %d indexes", left)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	indexed("up again")
}

// TestPartitionedIndexForeignPartition: a partitioned table without a
// primary key (PostgreSQL refuses a foreign partition under a unique
// index) with a foreign table as a partition gets an index. An index
// made ON ONLY it would never become valid, so the step stops at its
// first statement, before building anything, with what to write
// instead.
func TestPartitionedIndexForeignPartition(t *testing.T) {
	base := strings.Replace(eventsSpec, "    primary_key: [id, at]\n", "", 1)
	p, db := appliedProject(t, base)
	ctx := context.Background()
	for _, sql := range []string{
		`CREATE EXTENSION postgres_fdw`,
		`CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'elsewhere')`,
		`CREATE FOREIGN TABLE events_archive PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2026-01-01') SERVER elsewhere`,
	} {
		if _, err := db.pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	p.setSpec([]byte(strings.Replace(base, "    partition:", "    indexes:\n      - {columns: [kind]}\n    partition:", 1)))
	res := p.diffWith(migration.Options{Name: "kind"})
	if res.Blocked {
		t.Fatal(report(res))
	}
	m := p.migrator(t, db, "golang-migrate")
	_, err := m.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "foreign tables as partitions (events_archive)") {
		t.Fatalf("up: want the refusal naming events_archive, got %v", err)
	}
	if !strings.Contains(err.Error(), "cpcgen migrate hash") {
		t.Errorf("the refusal does not say what to do: %v", err)
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname LIKE 'events%kind%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("the refused step built %d indexes", n)
	}
}

// appliedProject returns a project of spec and a database its first
// migration has been applied to.
func appliedProject(t *testing.T, spec string) (*project, *testDB) {
	t.Helper()
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	p.setSpec([]byte(spec))
	if res := p.diff("init", true); res.Blocked {
		t.Fatal(report(res))
	}
	if _, err := p.migrator(t, db, "golang-migrate").Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p, db
}
