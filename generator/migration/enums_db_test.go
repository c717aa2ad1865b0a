package migration_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/migration"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// enumSpec declares the enum status with values and the table posts
// with a column of it (with a default) and an array of it, a partial
// index and a check comparing the column with a value.
func enumSpec(values string) []byte {
	return []byte("enums:\n  status: [" + values + "]\ntables:\n  posts:\n    columns:\n" +
		"      id: {type: bigint, primary_key: true, identity: true}\n" +
		"      status: {type: status, default: live}\n" +
		"      tags: {type: \"status[]\", nullable: true}\n" +
		"    indexes:\n      - {columns: [status]}\n      - {columns: [id], where: \"status = 'live'\"}\n" +
		"    checks: [{name: no_empty_tags, expr: \"status <> 'draft' OR tags IS NOT NULL\"}]\n")
}

// TestEnumValuesDroppedAndReordered drops a value of an enum and puts
// the others in another order, which ALTER TYPE cannot do: the type is
// replaced and every column of it, arrays included, converted, its
// default kept, the partial index and the check made again. The rows keep their values, which sort in the new order;
// the down migration gives the old type back.
func TestEnumValuesDroppedAndReordered(t *testing.T) {
	ctx := context.Background()
	// The indexes and the check, valid, after every step.
	const kept = "CHECK (((status <> 'draft'::status) OR (tags IS NOT NULL))), CREATE INDEX posts_id_idx ON public.posts USING btree (id) WHERE (status = 'live'::status), CREATE INDEX posts_status_idx ON public.posts USING btree (status)"
	runSteps(t, []migrationStep{
		{enumSpec("draft, live, gone"), "values {draft,live,gone}; rows draft:{live} live:{draft,live}; default 'live'::status; " + kept},
		{enumSpec("live, archived, draft"), "values {live,archived,draft}; rows live:{draft,live} draft:{live}; default 'live'::status; " + kept},
	}, func(db *testDB) string {
		// The first call adds the rows every later one reads.
		if _, err := db.pool.Exec(ctx, `INSERT INTO posts (status, tags) SELECT * FROM (VALUES ('draft'::status, '{live}'::status[]), ('live', '{draft,live}')) v WHERE NOT EXISTS (SELECT 1 FROM posts)`); err != nil {
			t.Fatal(err)
		}
		var values, rows, def, kept string
		if err := db.pool.QueryRow(ctx, `SELECT enum_range(NULL::status)::text,
			(SELECT string_agg(format('%s:%s', status, tags), ' ' ORDER BY status) FROM posts),
			(SELECT column_default FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'status'),
			(SELECT string_agg(n, ', ' ORDER BY n) FROM (SELECT pg_get_indexdef(indexrelid) AS n FROM pg_index WHERE indrelid = 'posts'::regclass AND NOT indisprimary AND indisvalid
				UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'posts'::regclass AND contype = 'c' AND convalidated) d)`).Scan(&values, &rows, &def, &kept); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("values %s; rows %s; default %s; %s", values, rows, def, kept)
	})
}

// TestEnumReplacementFindings: dropping a value fails while rows hold it
// and breaks code that still writes it; reordering loses nothing. Both
// rewrite the tables.
func TestEnumReplacementFindings(t *testing.T) {
	p := newProject(t, "golang-migrate")
	p.setSpec(enumSpec("draft, live, gone"))
	if res := p.diff("init", false); res.Blocked {
		t.Fatalf("init: %s", report(res))
	}
	for _, tc := range []struct{ values, want string }{
		{"draft, live", "CPC105 CPC105 CPC506 CPC506 CPC401 CPC401"},
		{"live, draft, gone", "CPC401 CPC401"},
		{"draft, live, gone, archived", ""},
	} {
		p.setSpec(enumSpec(tc.values))
		res := p.diff("change", false)
		var got []string
		for _, f := range res.Findings {
			if f.Kind != "lint" {
				got = append(got, f.Code)
			}
		}
		if strings.Join(got, " ") != tc.want || res.Blocked != (tc.want != "") {
			t.Errorf("[%s]: findings %q (blocked %v), want %q\n%s", tc.values, got, res.Blocked, tc.want, report(res))
		}
	}
}

// TestEnumDrift: a database whose enum has the migrations' values in
// another order is drift check --url reports, not a schema that matches;
// one with a value more (a down migration cannot drop the value its up
// migration added) is not.
func TestEnumDrift(t *testing.T) {
	s := func(values ...string) *schema.Schema {
		return schema.New("public").AddObjects(&schema.EnumType{T: "status", Values: values})
	}
	if _, err := migration.Drift(s("live", "draft"), s("draft", "live")); err == nil || !strings.Contains(err.Error(), `enum type "status" has its values in another order`) {
		t.Errorf("values in another order: %v", err)
	}
	if _, err := migration.Drift(s("draft", "live", "gone"), s("draft", "live")); err != nil {
		t.Errorf("a value left by a down migration: %v", err)
	}
}

// TestEnumValueAppliesAgain: the migration adding an enum value runs
// again after its down migration, which leaves the value.
func TestEnumValueAppliesAgain(t *testing.T) {
	ctx := context.Background()
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	m := func() *runmigrate.Migrator {
		m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for i, values := range []string{"draft, live", "draft, live, gone"} {
		p.setSpec(enumSpec(values))
		if res := p.diff(fmt.Sprintf("v%d", i), true); res.Blocked {
			t.Fatal(report(res))
		}
		if _, err := m().Up(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m().Down(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := m().Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
}
