package migration_test

import (
	"context"
	"os"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// TestDropExpressionBeforeSource makes a generated column plain while
// dropping the column its expression reads: the ALTER TABLE must drop
// the expression first, or PostgreSQL refuses to drop the column the
// expression still depends on (2BP01). (The drop and re-add of both
// columns, whose down adds them in the reverse order, is the golden
// case drop_generated_source; DROP EXPRESSION has no down.)
func TestDropExpressionBeforeSource(t *testing.T) {
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	ctx := context.Background()
	opts := migration.Options{AllowDestructive: true, AllowBreaking: true, AllowRewrite: true}
	for i, spec := range []string{`
tables:
  documents:
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      body: text
      tsv:  {type: tsvector, generated: "to_tsvector('simple'::regconfig, body)"}
`, `
tables:
  documents:
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      tsv:  {type: tsvector, nullable: true}
`} {
		p.setSpec([]byte(spec))
		opts.Name = []string{"create", "ungenerate"}[i]
		if res := p.diffWith(opts); res.Blocked || res.Planned.Empty() {
			t.Fatalf("step %d: %s", i, report(res))
		}
		m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("step %d up: %v", i, err)
		}
	}
	assertSchema(t, db, p.build(), nil)
}
