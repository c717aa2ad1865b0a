package migration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// TestNormalizedLiteralDefaults checks that a default PostgreSQL keeps
// unquoted on a text column (DEFAULT false, DEFAULT 1: a constant of
// another type the column casts), which Atlas inspects as a literal and
// would write back quoted, keeps its text through a schema normalized on
// a database (--dev-url): the column gets the default the spec declares,
// not the string 'false'.
func TestNormalizedLiteralDefaults(t *testing.T) {
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(`tables:
  owners:
    columns:
      id: {type: text, primary_key: true}
      confirmed: {type: text, default: {sql: "false"}}
      level: {type: text, default: {sql: "1"}}
      name: {type: text, default: "x"}
`))
	res := p.diffWith(migration.Options{Name: "init", Desired: normalize(t, p.build())})
	var up string
	for _, f := range res.Files {
		if strings.HasSuffix(f.Path, ".up.sql") {
			up = string(f.Data)
		}
	}
	for _, want := range []string{`"confirmed" text NOT NULL DEFAULT false`, `"level" text NOT NULL DEFAULT 1`, `"name" text NOT NULL DEFAULT 'x'`} {
		if !strings.Contains(up, want) {
			t.Errorf("up migration lacks %s:\n%s", want, up)
		}
	}
	db := openDB(t)
	if _, err := db.pool.Exec(context.Background(), up); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.pool.QueryRow(context.Background(), `SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE adrelid = 'owners'::regclass AND attname = 'confirmed'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "false" {
		t.Errorf("default of confirmed is %s, want false", got)
	}
}
