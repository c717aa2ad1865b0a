package migration

import (
	"context"
	"fmt"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestRewritesTypeMatchesServer changes a column's type on PostgreSQL
// and compares whether the table's file changed (a rewrite) with
// rewritesType.
func TestRewritesTypeMatchesServer(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for i, c := range [][2]string{
		{"varchar(10)", "varchar(20)"}, {"varchar(20)", "varchar(10)"}, {"varchar(10)", "text"}, {"text", "varchar"},
		{"numeric(10,2)", "numeric(12,2)"}, {"numeric(10,2)", "numeric(10,3)"}, {"numeric(10,2)", "numeric"},
		{"timestamp(3)", "timestamp"}, {"timestamp", "timestamp(3)"}, {"timestamptz(2)", "timestamptz(4)"},
		{"time(0)", "time"}, {"time", "time(0)"}, {"timetz(1)", "timetz(3)"},
		{"interval(0)", "interval"}, {"interval", "interval(0)"},
		{"real", "double precision"}, {"double precision", "real"}, {"integer", "bigint"},
	} {
		from, err := postgres.ParseType(c[0])
		if err != nil {
			t.Fatal(err)
		}
		to, err := postgres.ParseType(c[1])
		if err != nil {
			t.Fatal(err)
		}
		table := fmt.Sprintf("rw%d", i)
		var before, after uint32
		if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (c %s)", table, c[0])); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT pg_relation_filenode($1)", table).Scan(&before); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN c TYPE %s", table, c[1])); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT pg_relation_filenode($1)", table).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if got, want := rewritesType(from, to), before != after; got != want {
			t.Errorf("%s to %s: rewritesType %v, the server rewrites: %v", c[0], c[1], got, want)
		}
	}
}
