package migration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/names"
)

// TestPostgreSQLNamesKeys: the names PostgreSQL gives an unnamed primary
// key and unique constraint are names.PrimaryKey and names.ObjectName's,
// for names that fit and names cut to 63 bytes, by bytes of ASCII and
// of two- and three-byte characters (cut at a character boundary), the
// longer of two names cut first.
func TestPostgreSQLNamesKeys(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	for _, c := range []struct{ table, column string }{
		{"users", "email"},
		{strings.Repeat("a", 58), "b"},
		{strings.Repeat("a", 59), "b"},
		{strings.Repeat("t", 63), strings.Repeat("c", 63)},
		{strings.Repeat("t", 40), strings.Repeat("c", 30)},
		{strings.Repeat("é", 31), "x"},       // 62 bytes: cut inside a character
		{"a" + strings.Repeat("日", 20), "y"}, // 61 bytes
		{strings.Repeat("k", 20), strings.Repeat("ü", 25)},
	} {
		tq, cq := names.QuoteIdent(c.table), names.QuoteIdent(c.column)
		if _, err := db.pool.Exec(ctx, "CREATE TABLE "+tq+" (id int PRIMARY KEY, "+cq+" int UNIQUE)"); err != nil {
			t.Fatalf("%s: %v", c.table, err)
		}
		var pk, uk string
		if err := db.pool.QueryRow(ctx, `SELECT (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'),
  (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'u')`, tq).Scan(&pk, &uk); err != nil {
			t.Fatal(err)
		}
		if got := names.PrimaryKey(c.table); got != pk {
			t.Errorf("PrimaryKey(%q) = %q, PostgreSQL names it %q", c.table, got, pk)
		}
		if got := names.ObjectName(c.table, c.column, "key"); got != uk {
			t.Errorf("ObjectName(%q, %q, key) = %q, PostgreSQL names it %q", c.table, c.column, got, uk)
		}
		if _, err := db.pool.Exec(ctx, "DROP TABLE "+tq); err != nil {
			t.Fatal(err)
		}
	}
}
