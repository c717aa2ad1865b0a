package runtime_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

type collected struct {
	N    int64
	Text runtime.Null[string]
}

func scanCollected(v *collected, d []any) []any { return append(d, &v.N, &v.Text) }

func TestCollect(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{})
	const q = `SELECT n, CASE WHEN n % 2 = 0 THEN 'even' END FROM generate_series(1, $1::int) AS n`

	for _, capacity := range []int{0, 3, 1000, -1} {
		rows, err := db.Query(ctx, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		items, err := runtime.Collect(rows, nil, capacity, scanCollected)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 5 || items[0].N != 1 || items[0].Text.Valid || items[1].Text != runtime.NullOf("even") || items[4].N != 5 {
			t.Fatalf("capacity %d: %+v", capacity, items)
		}
		if cap(items) > 256 {
			t.Errorf("capacity %d: %d rows preallocated, want at most 256", capacity, cap(items))
		}
	}

	rows, err := db.Query(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	items, err := runtime.Collect(rows, nil, 10, scanCollected)
	if err != nil || items == nil || len(items) != 0 {
		t.Fatalf("no rows: %#v, %v", items, err)
	}

	// A scan error: text into an integer.
	rows, err = db.Query(ctx, `SELECT 'x', NULL::text`)
	if err != nil {
		t.Fatal(err)
	}
	if items, err = runtime.Collect(rows, nil, 0, scanCollected); err == nil || items != nil {
		t.Fatalf("scan error: %v, %v", items, err)
	}
	// The connection went back to the pool: the rows were closed.
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if items, err := runtime.Collect[collected](nil, boom, 0, scanCollected); err != boom || items != nil {
		t.Fatalf("query error: %v, %v", items, err)
	}
}

// countingDB counts the rows queried for one row through it.
type countingDB struct {
	runtime.DBTX
	n int
}

func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n++
	return c.DBTX.QueryRow(ctx, sql, args...)
}

// TestCallHelpers runs QueryOne, Query, Exec, CreateIfAbsentOp, Stream and
// a Loader on a table, and checks that a call costs one allocation
// beside pgx's own, whatever the number of rows.
func TestCallHelpers(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, `CREATE TABLE things (id bigint PRIMARY KEY, name text NOT NULL UNIQUE, note text)`)
	type thing struct {
		ID   int64
		Name string
		Note runtime.Null[string]
	}
	type newThing struct {
		ID   int64
		Name string
		Note runtime.Null[string]
	}
	scan := func(v *thing, d []any) []any { return append(d, &v.ID, &v.Name, &v.Note) }
	args := func(n *newThing, d []any) []any { return append(d, &n.ID, &n.Name, &n.Note) }
	const insert = `INSERT INTO things VALUES ($1, $2, $3) RETURNING id, name, note`
	for i := range int64(10) {
		n := newThing{ID: i, Name: "thing " + string(rune('a'+i))}
		if i%2 == 0 {
			n.Note = runtime.NullOf("even")
		}
		v, err := runtime.QueryOne(ctx, db, insert, n, args, scan)
		if err != nil || v.ID != i || v.Name != n.Name || v.Note != n.Note {
			t.Fatalf("insert %d: %+v, %v", i, v, err)
		}
	}
	const find = `SELECT id, name, note FROM things WHERE id = $1`
	if v, err := runtime.QueryOne(ctx, db, find, int64(4), runtime.Arg, scan); err != nil || v.Name != "thing e" || !v.Note.Valid {
		t.Fatalf("find: %+v, %v", v, err)
	}
	if v, err := runtime.QueryOne(ctx, db, find, int64(40), runtime.Arg, scan); !errors.Is(err, pgx.ErrNoRows) || v != (thing{}) {
		t.Fatalf("find a missing row: %+v, %v", v, err)
	}
	const list = `SELECT id, name, note FROM things WHERE id >= $1 AND id < $2 ORDER BY id`
	got, err := runtime.Query(ctx, db, list, int64(2), runtime.Arg, scan, 0, int64(7))
	if err != nil || len(got) != 5 || got[0].ID != 2 || got[4].ID != 6 || got[1].Note.Valid {
		t.Fatalf("query: %+v, %v", got, err)
	}
	const createIfAbsent = `WITH ins AS (INSERT INTO things VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id, name, note)
SELECT true, id, name, note FROM ins UNION ALL SELECT false, id, name, note FROM things WHERE name = $2 LIMIT 1`
	absent := &runtime.Op{Name: "things.CreateIfAbsentByName", Table: "things", SQL: createIfAbsent}
	v, created, err := runtime.CreateIfAbsentOp(ctx, db, absent, newThing{ID: 99, Name: "thing a"}, args, scan)
	if err != nil || created || v.ID != 0 {
		t.Fatalf("create if absent, present: %+v, %v, %v", v, created, err)
	}
	v, created, err = runtime.CreateIfAbsentOp(ctx, db, absent, newThing{ID: 99, Name: "new"}, args, scan)
	if err != nil || !created || v.ID != 99 {
		t.Fatalf("create if absent, absent: %+v, %v, %v", v, created, err)
	}
	// An upsert that leaves alone the row in its way returns none: with
	// HiddenKey, the error is a hidden-key conflict of the Op, after the
	// statement was sent three times.
	sent := &countingDB{DBTX: db}
	upsert := &runtime.Op{Name: "things.UpsertByName", Table: "things", HiddenKey: true,
		SQL: `INSERT INTO things VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET note = EXCLUDED.note WHERE things.id < 0 RETURNING id, name, note`}
	_, err = runtime.QueryOneOp(ctx, sent, upsert, newThing{ID: 98, Name: "thing b"}, args, scan)
	var de *runtime.DbError
	if !errors.As(err, &de) || !errors.Is(err, runtime.ErrHiddenKey) || de.Kind != runtime.KindConflict || de.Op != upsert.Name || sent.n != 3 {
		t.Fatalf("upsert over a hidden row: %v after %d statements, want a hidden-key conflict after 3", err, sent.n)
	}
	upsert.HiddenKey = false
	if _, err = runtime.QueryOneOp(ctx, db, upsert, newThing{ID: 98, Name: "thing b"}, args, scan); errors.Is(err, runtime.ErrHiddenKey) || !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("upsert over a hidden row without HiddenKey: %v, want not found", err)
	}
	var ids []int64
	streamThings := &runtime.Op{Name: "things.Stream", Table: "things"}
	for v, err := range runtime.Stream(ctx, db, streamThings, scan, `SELECT id, name, note FROM things ORDER BY id`) {
		if err != nil {
			t.Fatal(err)
		}
		if v.ID%2 == 1 && v.Note.Valid && v.ID < 10 {
			t.Fatalf("stream: row %d kept the note of the row before", v.ID)
		}
		ids = append(ids, v.ID)
	}
	if len(ids) != 11 {
		t.Fatalf("stream: %v", ids)
	}
	// An error is yielded once, wrapped for the Op, and ends the rows.
	errs := 0
	for v, err := range runtime.Stream(ctx, db, streamThings, scan, `SELECT id, name, no_such_column FROM things`) {
		var de *runtime.DbError
		if errs++; !errors.As(err, &de) || de.Op != "things.Stream" || de.OpTable != "things" || v != (thing{}) {
			t.Fatalf("stream error: %+v, %v", v, err)
		}
	}
	if errs != 1 {
		t.Fatalf("stream error: yielded %d times", errs)
	}
	byNote := &runtime.Loader[bool, thing]{
		Op:   &runtime.Op{Name: "things.LoadByNote", Table: "things", SQL: `SELECT id, name, note FROM things WHERE (note IS NOT NULL) = ANY($1) ORDER BY id`},
		Scan: scan,
		Key:  func(v *thing) bool { return v.Note.Valid },
	}
	groups, err := byNote.Load(ctx, db, []bool{true, false})
	if err != nil || len(groups[true]) != 5 || len(groups[false]) != 6 || groups[true][1].ID != 2 {
		t.Fatalf("loader: %v, %v", groups, err)
	}
	tag, err := runtime.Exec(ctx, db, `DELETE FROM things WHERE id = $1`, int64(99), runtime.Arg)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("exec: %v, %v", tag, err)
	}

	// One allocation per call beside pgx's: the same statements with
	// arguments passed as they are cost more.
	base := testing.AllocsPerRun(100, func() {
		var v thing
		if err := db.QueryRow(ctx, find, int64(3)).Scan(&v.ID, &v.Name, &v.Note); err != nil {
			t.Fatal(err)
		}
	})
	one := testing.AllocsPerRun(100, func() {
		id := int64(3)
		if _, err := runtime.QueryOne(ctx, db, find, id, runtime.Arg, scan); err != nil {
			t.Fatal(err)
		}
	})
	if one > base-1 {
		t.Errorf("QueryOne: %v allocations, pgx with boxed arguments and a slice of destinations %v", one, base)
	}
	many := testing.AllocsPerRun(50, func() {
		from := int64(0)
		if _, err := runtime.Query(ctx, db, list, from, runtime.Arg, scan, 10, 10); err != nil {
			t.Fatal(err)
		}
	})
	few := testing.AllocsPerRun(50, func() {
		from := int64(0)
		if _, err := runtime.Query(ctx, db, list, from, runtime.Arg, scan, 2, 2); err != nil {
			t.Fatal(err)
		}
	})
	// 8 more rows: 8 names and the 4 notes among them.
	if many-few > 12 {
		t.Errorf("Query: %v allocations for 10 rows, %v for 2", many, few)
	}
	if !slices.Equal(ids[:3], []int64{0, 1, 2}) {
		t.Fatal(ids)
	}
}
