package migration_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sequencesOf describes every sequence of the database's public schema
// as the catalog holds it, one line each: its options (pg_sequences),
// whether it is UNLOGGED, the column owning it and its comment.
func sequencesOf(t *testing.T, db *testDB) string {
	t.Helper()
	var s string
	err := db.pool.QueryRow(context.Background(), `
SELECT coalesce(string_agg(format('%s: %s start %s min %s max %s increment %s cache %s cycle %s unlogged %s owned by %s comment %s',
    s.sequencename, s.data_type, s.start_value, s.min_value, s.max_value, s.increment_by, s.cache_size, s.cycle, c.relpersistence = 'u',
    coalesce((SELECT d.refobjid::regclass || '.' || a.attname FROM pg_depend d
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a'), '-'),
    coalesce(obj_description(c.oid, 'pg_class'), '-')), E'\n' ORDER BY s.sequencename), '')
FROM pg_sequences s
JOIN pg_namespace n ON n.nspname = s.schemaname
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename
WHERE s.schemaname = 'public'`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSequenceAlteredInPlace: the sequences of the objects_sequence_alter
// cases and objects_sequence_rename, altered (and renamed) in place by the
// up migration, have the name, options, persistence, owner and comment a
// new database created from the after spec gives them, and
// those of the before spec after the down migration; and the column
// whose default takes nextval of ticket_no goes on numbering from the
// value the sequence had, after the up migration, after the down and
// after the up again (it was dropped and created again, starting over, and the column's
// default with it).
func TestSequenceAlteredInPlace(t *testing.T) {
	for _, name := range []string{"objects_sequence_alter_options", "objects_sequence_alter_comment", "objects_sequence_alter_as", "objects_sequence_alter_persistence", "objects_sequence_rename"} {
		t.Run(name, func(t *testing.T) {
			before, after := caseSpecs(t, filepath.Join("testdata", "migrations", name))
			wantBefore, wantAfter := freshState(t, before, sequencesOf), freshState(t, after, sequencesOf)
			if wantBefore == wantAfter {
				t.Fatalf("the case changes no sequence:\n%s", wantAfter)
			}

			p := newProject(t, "golang-migrate")
			p.setSpec(before)
			p.diff("initial", false)
			p.setSpec(after)
			p.diff("change", true)
			db := openDB(t)
			ctx := context.Background()
			m := p.migrator(t, db, "golang-migrate")
			if _, err := m.UpTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			// insert adds a row numbered by the column's default, in a
			// session holding no values of the sequence cached (CACHE),
			// and returns its number, and the number the sequence gave
			// last before and its increment.
			insert := func() (id, last, inc int64) {
				t.Helper()
				conn, err := db.pool.Acquire(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Release()
				if _, err := conn.Exec(ctx, `DISCARD SEQUENCES`); err != nil {
					t.Fatal(err)
				}
				// The sequence the default takes nextval of, under the
				// name it has now (objects_sequence_rename renames it).
				var seq string
				if err := conn.QueryRow(ctx, `SELECT (regexp_match(pg_get_expr(adbin, adrelid), $$nextval\('([^']+)'$$))[1] FROM pg_attrdef WHERE adrelid = 'tickets'::regclass`).Scan(&seq); err != nil {
					t.Fatal(err)
				}
				if err := conn.QueryRow(ctx, `SELECT last_value, (SELECT increment_by FROM pg_sequences WHERE sequencename = $1) FROM `+seq, seq).Scan(&last, &inc); err != nil {
					t.Fatal(err)
				}
				if err := conn.QueryRow(ctx, `INSERT INTO tickets (title) VALUES ('t') RETURNING id`).Scan(&id); err != nil {
					t.Fatal(err)
				}
				return id, last, inc
			}
			for range 3 {
				insert()
			}
			if _, err := m.Up(ctx); err != nil {
				t.Fatalf("up: %v", err)
			}
			if d := cmp.Diff(wantAfter, sequencesOf(t, db)); d != "" {
				t.Errorf("after the up migration, the sequences differ from a new database's (-new +migrated):\n%s", d)
			}
			if id, last, inc := insert(); id != last+inc {
				t.Errorf("after the up migration, the next ticket is %d, want %d: the sequence did not keep its value %d", id, last+inc, last)
			}
			if _, err := m.Down(ctx, 1); err != nil {
				t.Fatalf("down: %v", err)
			}
			if d := cmp.Diff(wantBefore, sequencesOf(t, db)); d != "" {
				t.Errorf("after the down migration, the sequences differ from a new database's (-new +migrated):\n%s", d)
			}
			if id, last, inc := insert(); id != last+inc {
				t.Errorf("after the down migration, the next ticket is %d, want %d: the sequence did not keep its value %d", id, last+inc, last)
			}
			if _, err := m.Up(ctx); err != nil {
				t.Fatalf("up again: %v", err)
			}
			if d := cmp.Diff(wantAfter, sequencesOf(t, db)); d != "" {
				t.Errorf("after the up migration again, the sequences differ from a new database's (-new +migrated):\n%s", d)
			}
			if id, last, inc := insert(); id != last+inc {
				t.Errorf("after the up migration again, the next ticket is %d, want %d: the sequence did not keep its value %d", id, last+inc, last)
			}
		})
	}
}
