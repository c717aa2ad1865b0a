package migration_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/names"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// migrationStep is one spec of a sequence runSteps plans and runs, and
// what state then reads from the database.
type migrationStep struct {
	spec []byte
	want string
}

// runSteps plans a migration to each step's spec in turn, everything
// allowed, and runs it on a fresh database: after each, state must read
// the step's want, and nothing of the spec is left uncovered. Then it
// runs the down migrations step by step: after each, state must read
// the previous step's want again.
func runSteps(t *testing.T, steps []migrationStep, state func(*testDB) string) {
	t.Helper()
	runStepsWith(t, migration.Options{AllowDestructive: true, AllowBreaking: true, AllowRewrite: true}, steps, state)
}

// runStepsWith is runSteps planning with opts (Name set for each step).
func runStepsWith(t *testing.T, opts migration.Options, steps []migrationStep, state func(*testDB) string) {
	t.Helper()
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	ctx := context.Background()
	migrator := func() *runmigrate.Migrator {
		t.Helper()
		m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	files := make([]int, len(steps)) // the migrations each step wrote
	for i, st := range steps {
		p.setSpec(st.spec)
		opts.Name = fmt.Sprintf("step%d", i)
		res := p.diffWith(opts)
		if res.Blocked || res.Planned.Empty() {
			t.Fatalf("step %d: %s", i, report(res))
		}
		applied, err := migrator().Up(ctx)
		if err != nil {
			t.Fatalf("step %d up: %v", i, err)
		}
		files[i] = len(applied)
		if got := state(db); got != st.want {
			t.Fatalf("step %d: %s, want %s\n%s", i, got, st.want, report(res))
		}
		if left := uncovered(t, p); len(left) > 0 {
			t.Fatalf("step %d: uncovered %q", i, left)
		}
	}
	m := migrator()
	for i := len(steps) - 1; i > 0; i-- {
		if _, err := m.Down(ctx, files[i]); err != nil {
			t.Fatalf("down from step %d: %v", i, err)
		}
		if got := state(db); got != steps[i-1].want {
			t.Fatalf("down from step %d: %s, want %s", i, got, steps[i-1].want)
		}
	}
}

// TestPrimaryKeyNameMigrates creates a table whose primary key has a name
// of its own (primary_key_name:), changes the name, changes the key's
// columns under it (which Atlas plans as dropping the key and adding it
// again), then drops the setting: the key has the name the spec gives
// after each migration, and every down migration gives the previous name
// back.
func TestPrimaryKeyNameMigrates(t *testing.T) {
	// spec declares firms with the key name name, keyed by id, or by id
	// and name when name ends in "_2".
	spec := func(name string) []byte {
		s := "tables:\n  firms:\n    columns:\n      id: {type: bigint, identity: true}\n      name: text\n"
		if strings.HasSuffix(name, "_2") {
			s += "    primary_key: [id, name]\n"
		} else {
			s += "    primary_key: [id]\n"
		}
		if name != "" {
			s += "    primary_key_name: " + name + "\n"
		}
		return []byte(s)
	}
	var steps []migrationStep
	for _, name := range []string{"companies_pkey", "firms_pk", "firms_pk_2", ""} {
		want := name
		if want == "" {
			want = "firms_pkey"
		}
		steps = append(steps, migrationStep{spec(name), want})
	}
	runSteps(t, steps, func(db *testDB) string {
		var n string
		if err := db.pool.QueryRow(context.Background(), `SELECT conname FROM pg_constraint WHERE conrelid = 'firms'::regclass AND contype = 'p'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	})
}

// TestPrimaryKeyNameOfAnotherTable creates a table whose key has the name
// PostgreSQL gives another table's key, as a table renamed and a new one
// made under its old name have them (a's b_pkey, b's b_pkey1): b's key
// is renamed away before a's takes its name, and back after on the way
// down.
func TestPrimaryKeyNameOfAnotherTable(t *testing.T) {
	spec := []byte("tables:\n" +
		"  a:\n    columns:\n      id: {type: bigint, primary_key: true}\n    primary_key_name: b_pkey\n" +
		"  b:\n    columns:\n      id: {type: bigint, primary_key: true}\n      a_id: {type: bigint, references: a.id}\n    primary_key_name: b_pkey1\n")
	runSteps(t, []migrationStep{{spec, "a:b_pkey b:b_pkey1"}}, func(db *testDB) string {
		var keys string
		if err := db.pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(conrelid::regclass::text || ':' || conname, ' ' ORDER BY conrelid::regclass::text), '') FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('a'::regclass, 'b'::regclass)`).Scan(&keys); err != nil {
			t.Fatal(err)
		}
		return keys
	})
}

// TestPrimaryKeyNameNumbered renames table sessions, whose key keeps its
// name, then makes a new sessions table: PostgreSQL numbers the new
// table's key (sessions_pkey1), since sessions_pkey stays taken, and the
// migration keeps that name rather than renaming from a sessions_pkey
// the table never had (Miniflux's sessions, renamed user_sessions).
func TestPrimaryKeyNameNumbered(t *testing.T) {
	old := "  user_sessions:\n    columns:\n      id: {type: bigint, primary_key: true}\n    primary_key_name: sessions_pkey\n"
	keys := `SELECT coalesce(string_agg(conrelid::regclass::text || ':' || conname, ' ' ORDER BY conrelid::regclass::text), '') FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'cpcgen%'`
	runSteps(t, []migrationStep{
		{[]byte("tables:\n  sessions:\n    columns:\n      id: {type: bigint, primary_key: true}\n"), "sessions:sessions_pkey"},
		{[]byte("tables:\n" + strings.Replace(old, "columns:", "renamed_from: sessions\n    columns:", 1)), "user_sessions:sessions_pkey"},
		{[]byte("tables:\n" + old + "  sessions:\n    columns:\n      id: {type: text, primary_key: true}\n    primary_key_name: sessions_pkey1\n"),
			"sessions:sessions_pkey1 user_sessions:sessions_pkey"},
	}, func(db *testDB) string {
		var got string
		if err := db.pool.QueryRow(context.Background(), keys).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	})
}

// TestPrimaryKeyNameNumberedBySequence makes a table whose key's name
// is taken by a sequence, as Dendrite's notary keys table has it (a
// sequence federationsender_notary_server_keys_json_pkey, created first,
// that its key takes nextval of): PostgreSQL numbers the key (t_pkey1),
// and the migration keeps that name rather than renaming from a t_pkey
// the table never had, whether the sequence is created by the same
// migration, before the tables, or was there before it.
func TestPrimaryKeyNameNumberedBySequence(t *testing.T) {
	seq := "sql_objects:\n  - name: t_pkey\n    kind: sequence\n    sql: CREATE SEQUENCE t_pkey\n"
	table := "  t:\n    columns:\n      id: {type: bigint, primary_key: true, default: {sql: \"nextval('t_pkey'::regclass)\"}}\n    primary_key_name: t_pkey1\n"
	other := "  other:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
	keys := `SELECT coalesce(string_agg(conrelid::regclass::text || ':' || conname, ' ' ORDER BY conrelid::regclass::text), '') FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'cpcgen%'`
	state := func(db *testDB) string {
		var got string
		if err := db.pool.QueryRow(context.Background(), keys).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	t.Run("same migration", func(t *testing.T) {
		runSteps(t, []migrationStep{{[]byte("tables:\n" + table + seq), "t:t_pkey1"}}, state)
	})
	t.Run("sequence before", func(t *testing.T) {
		runSteps(t, []migrationStep{
			{[]byte("tables:\n" + other + seq), "other:other_pkey"},
			{[]byte("tables:\n" + other + table + seq), "other:other_pkey t:t_pkey1"},
		}, state)
	})
}

// TestDeferrableForeignKeyMigrates makes a foreign key deferrable, then
// changes its ON DELETE action, which Atlas plans as dropping the key
// and adding it again, then the type of both its columns, around which
// the key is dropped and added again too, then makes it not deferrable:
// the key is deferrable exactly when the spec says so after each
// migration, and every down migration gives the previous state back.
func TestDeferrableForeignKeyMigrates(t *testing.T) {
	spec := func(typ, extra string) []byte {
		return []byte("tables:\n  firms:\n    columns:\n      id: {type: " + typ + ", primary_key: true}\n" +
			"  staff:\n    columns:\n      id: {type: bigint, primary_key: true}\n      firm_id: {type: " + typ + ", references: firms.id" + extra + "}\n")
	}
	runSteps(t, []migrationStep{
		{spec("bigint", ""), "deferrable=false deferred=false on_delete=a"},
		{spec("bigint", ", deferrable: deferred"), "deferrable=true deferred=true on_delete=a"},
		{spec("bigint", ", deferrable: deferred, on_delete: cascade"), "deferrable=true deferred=true on_delete=c"},
		{spec("integer", ", deferrable: deferred, on_delete: cascade"), "deferrable=true deferred=true on_delete=c"},
		{spec("integer", ", on_delete: cascade"), "deferrable=false deferred=false on_delete=c"},
	}, func(db *testDB) string {
		var deferrable, deferred bool
		var del string
		if err := db.pool.QueryRow(context.Background(), `SELECT condeferrable, condeferred, confdeltype::text FROM pg_constraint WHERE conname = 'staff_firm_id_fkey'`).Scan(&deferrable, &deferred, &del); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("deferrable=%v deferred=%v on_delete=%s", deferrable, deferred, del)
	})
}

// TestForeignKeyCommentKeptThroughRetype gives a foreign key a comment
// (an sql object, as import keeps it), then changes the type of both its
// columns, around which the key is dropped and added again: the key has
// its comment after the migration, and again after its down.
func TestForeignKeyCommentKeptThroughRetype(t *testing.T) {
	spec := func(typ string) []byte {
		return []byte("tables:\n  firms:\n    columns:\n      id: {type: " + typ + ", primary_key: true}\n" +
			"  staff:\n    columns:\n      id: {type: bigint, primary_key: true}\n      firm_id: {type: " + typ + ", references: firms.id}\n" +
			"sql_objects:\n  - name: staff_firm_id_fkey_comment\n    kind: other\n    depends_on: [staff]\n" +
			"    sql: COMMENT ON CONSTRAINT staff_firm_id_fkey ON staff IS 'the firm'\n" +
			"    drop: COMMENT ON CONSTRAINT staff_firm_id_fkey ON staff IS NULL\n")
	}
	runSteps(t, []migrationStep{
		{spec("integer"), "comment=the firm"},
		{spec("bigint"), "comment=the firm"},
	}, func(db *testDB) string {
		var comment *string
		if err := db.pool.QueryRow(context.Background(), `SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'staff_firm_id_fkey'`).Scan(&comment); err != nil {
			t.Fatal(err)
		}
		if comment == nil {
			return "comment=<nil>"
		}
		return "comment=" + *comment
	})
}

// TestUniqueKeyKindMigrates adds a unique key of two columns as a
// constraint (constraint: true), makes it a unique index, a constraint
// again (over the index it has), renames it, makes its NULLs conflict
// (nulls_not_distinct), a unique index again, and a soft-delete table's
// partial unique index: after each migration pg_constraint and
// pg_index read what the spec says, and every down migration gives the
// previous state back.
func TestUniqueKeyKindMigrates(t *testing.T) {
	spec := func(key string) []byte {
		s := "tables:\n  seats:\n    columns:\n      id: {type: bigint, primary_key: true}\n      room: int\n      seat: int\n      deleted_at: {type: timestamptz, nullable: true}\n"
		if key != "" {
			s += "    indexes:\n      - " + key + "\n"
		}
		if strings.Contains(key, "soft") {
			s = strings.Replace(s, "      deleted_at: {type: timestamptz, nullable: true}\n", "", 1) + "    soft_delete: true\n"
			s = strings.Replace(s, ", soft", "", 1)
		}
		return []byte(s)
	}
	steps := []migrationStep{
		{spec("{columns: [room, seat], unique: true, constraint: true}"), "constraint seats_room_seat_key"},
		{spec("{columns: [room, seat], unique: true}"), "index seats_room_seat_key"},
		{spec("{columns: [room, seat], unique: true, constraint: true}"), "constraint seats_room_seat_key"},
		{spec("{columns: [room, seat], unique: true, constraint: true, name: seats_place}"), "constraint seats_place"},
		{spec("{columns: [room, seat], unique: true, constraint: true, name: seats_place, nulls_not_distinct: true}"), "constraint seats_place nulls not distinct"},
		{spec("{columns: [room, seat], unique: true, name: seats_place, nulls_not_distinct: true}"), "index seats_place nulls not distinct"},
		{spec("{columns: [room, seat], unique: true, constraint: true, name: seats_place, soft}"), "index seats_place where"},
	}
	runSteps(t, steps, func(db *testDB) string {
		var keys string
		if err := db.pool.QueryRow(context.Background(), `
SELECT coalesce(string_agg(CASE WHEN c.oid IS NULL THEN 'index ' ELSE 'constraint ' END || i.relname ||
  CASE WHEN x.indpred IS NULL THEN '' ELSE ' where' END || CASE WHEN x.indnullsnotdistinct THEN ' nulls not distinct' ELSE '' END, ' ' ORDER BY i.relname), '')
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype = 'u'
WHERE x.indrelid = 'seats'::regclass AND NOT x.indisprimary`).Scan(&keys); err != nil {
			t.Fatal(err)
		}
		return keys
	})
}

// TestSerialColumnMigrates makes a column with rows serial, then plain
// again, then adds a serial column: after each migration, and after
// each down migration, a serial column's sequence is of the column's
// type and its next value is above every value the rows hold (the rows
// keep theirs), and a plain column has neither default nor sequence.
func TestSerialColumnMigrates(t *testing.T) {
	spec := func(n, m string) []byte {
		s := "tables:\n  posts:\n    columns:\n      id: {type: integer, primary_key: true, serial: true}\n      n: {type: integer" + n + "}\n"
		if m != "" {
			s += "      m: {type: smallint, serial: true}\n"
		}
		return []byte(s)
	}
	steps := []migrationStep{
		{spec("", ""), "id:serial integer n:plain"},
		{spec(", serial: true", ""), "id:serial integer n:serial integer"},
		{spec("", ""), "id:serial integer n:plain"},
		{spec("", "m"), "id:serial integer m:serial smallint n:plain"},
	}
	runStepsWith(t, migration.Options{AllowDestructive: true, AllowBreaking: true, AllowRewrite: true}, steps, func(db *testDB) string {
		ctx := context.Background()
		// Rows with values of their own, once.
		if _, err := db.pool.Exec(ctx, `INSERT INTO posts (n) SELECT 20 WHERE NOT EXISTS (SELECT FROM posts)`); err != nil {
			t.Fatal(err)
		}
		rows, err := db.pool.Query(ctx, `
SELECT a.attname, s.seqrelid::regclass::text, format_type(s.seqtypid, NULL)
FROM pg_attribute a LEFT JOIN pg_depend d ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.classid = 'pg_class'::regclass AND d.deptype = 'a'
LEFT JOIN pg_sequence s ON s.seqrelid = d.objid
WHERE a.attrelid = 'posts'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attname`)
		if err != nil {
			t.Fatal(err)
		}
		type col struct{ name, seq, typ string }
		var cols []col
		for rows.Next() {
			var c col
			var seq, typ *string
			if err := rows.Scan(&c.name, &seq, &typ); err != nil {
				t.Fatal(err)
			}
			if seq != nil {
				c.seq, c.typ = *seq, *typ
			}
			cols = append(cols, c)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cols {
			if c.seq == "" {
				out = append(out, c.name+":plain")
				continue
			}
			// The next value is above every value of the column.
			var next, max int64
			if err := db.pool.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM `+c.seq).Scan(&next); err != nil {
				t.Fatal(err)
			}
			if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(`+c.name+`), 0) FROM posts`).Scan(&max); err != nil {
				t.Fatal(err)
			}
			if next <= max {
				out = append(out, fmt.Sprintf("%s:next %d <= %d", c.name, next, max))
				continue
			}
			out = append(out, c.name+":serial "+c.typ)
		}
		return strings.Join(out, " ")
	})
}

// TestSerialFromOtherType turns a text key holding numbers into a serial
// integer and back: the values are converted with a cast to integer (not
// to serial, which is no type), and the sequence is started after the
// largest converted value, so the setval runs after the ALTER TABLE that
// converts them, up and down.
func TestSerialFromOtherType(t *testing.T) {
	spec := func(col string) []byte {
		return []byte("tables:\n  codes:\n    columns:\n      id: {type: " + col + ", primary_key: true}\n")
	}
	steps := []migrationStep{
		{spec("text"), "text plain"},
		{spec("integer, serial: true"), "integer next 8"},
		{spec("text"), "text plain"},
	}
	runStepsWith(t, migration.Options{AllowDestructive: true, AllowBreaking: true, AllowRewrite: true}, steps, func(db *testDB) string {
		ctx := context.Background()
		if _, err := db.pool.Exec(ctx, `INSERT INTO codes SELECT * FROM json_populate_recordset(NULL::codes, '[{"id": 5}, {"id": 7}]') WHERE NOT EXISTS (SELECT FROM codes)`); err != nil {
			t.Fatal(err)
		}
		var typ string
		var seq *string
		if err := db.pool.QueryRow(ctx, `SELECT format_type(atttypid, atttypmod), pg_get_serial_sequence('codes', 'id') FROM pg_attribute WHERE attrelid = 'codes'::regclass AND attname = 'id'`).Scan(&typ, &seq); err != nil {
			t.Fatal(err)
		}
		if seq == nil {
			return typ + " plain"
		}
		var next int64
		if err := db.pool.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM `+*seq).Scan(&next); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s next %d", typ, next)
	})
}

// TestPartitionedTableIndexes adds an index to a partitioned table, then
// changes its columns, then drops it: PostgreSQL builds and drops the
// indexes of a partitioned table only in a transaction (not
// CONCURRENTLY), so the online plans make them in the schema step, and
// the partitions get theirs (Hatchet's v1_events_olap).
func TestPartitionedTableIndexes(t *testing.T) {
	spec := func(index string) []byte {
		s := "tables:\n  events:\n    columns:\n      id: {type: bigint, identity: true}\n      at: timestamptz\n      kind: text\n      scope: text\n" +
			"    primary_key: [id, at]\n    partition:\n      by: range\n      key: [at]\n      partitions:\n" +
			"        - {name: events_2026, values: \"FROM ('2026-01-01') TO ('2027-01-01')\"}\n        - {name: events_rest, values: DEFAULT}\n"
		if index != "" {
			s += "    indexes:\n      - {name: events_scope_idx, columns: [" + index + "]}\n"
		}
		return []byte(s)
	}
	runSteps(t, []migrationStep{
		{spec(""), ""},
		{spec("scope"), "events:(scope) events_2026:(scope) events_rest:(scope)"},
		{spec("kind, scope"), "events:(kind, scope) events_2026:(kind, scope) events_rest:(kind, scope)"},
		{spec(""), ""},
	}, func(db *testDB) string {
		var got string
		if err := db.pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(i.indrelid::regclass::text || ':' || regexp_replace(pg_get_indexdef(i.indexrelid), '.*USING btree ', ''), ' ' ORDER BY i.indrelid::regclass::text), '')
			FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisprimary AND c.relname LIKE 'events%'`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	})
}

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
