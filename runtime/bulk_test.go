package runtime_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// A table and its batch update as generated code writes them (see
// testdata/golden/bulk_writes): key, version, one optional change.
type widgetUpdate struct {
	ID      int64
	Version int64
	Name    runtime.Opt[string]
}

const widgetsSchema = `CREATE TABLE widgets (id bigint PRIMARY KEY, version bigint NOT NULL DEFAULT 1, name text NOT NULL)`

const sqlWidgetsUpdateMany = `-- name: widgets.UpdateMany
WITH "cpcgen_v" AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[]) WITH ORDINALITY AS "cpcgen_u"("cpcgen_1", "cpcgen_2", "cpcgen_3", "cpcgen_ord")),
"cpcgen_old" AS MATERIALIZED (SELECT "cpcgen_v"."cpcgen_ord", "version" = "cpcgen_v"."cpcgen_2" AS "cpcgen_ok" FROM "cpcgen_v" JOIN "widgets" ON "widgets"."id" = "cpcgen_v"."cpcgen_1" ORDER BY "cpcgen_v"."cpcgen_ord" FOR UPDATE OF "widgets"),
"cpcgen_bad" AS (SELECT "cpcgen_v"."cpcgen_ord", CASE WHEN "cpcgen_old"."cpcgen_ord" IS NULL THEN 1 ELSE 2 END AS "cpcgen_state" FROM "cpcgen_v" LEFT JOIN "cpcgen_old" ON "cpcgen_old"."cpcgen_ord" = "cpcgen_v"."cpcgen_ord" WHERE "cpcgen_old"."cpcgen_ord" IS NULL OR NOT "cpcgen_old"."cpcgen_ok"),
"cpcgen_new" AS (UPDATE "widgets" SET "name" = COALESCE("cpcgen_v"."cpcgen_3", "widgets"."name"), "version" = "widgets"."version" + 1 FROM "cpcgen_old" JOIN "cpcgen_v" ON "cpcgen_v"."cpcgen_ord" = "cpcgen_old"."cpcgen_ord" WHERE "widgets"."id" = "cpcgen_v"."cpcgen_1" AND NOT EXISTS (SELECT 1 FROM "cpcgen_bad") RETURNING "cpcgen_v"."cpcgen_ord")
SELECT "cpcgen_state", "cpcgen_ord" FROM "cpcgen_bad"`

var bulkWidgets = &runtime.Bulk[*widgetUpdate]{
	Table: "widgets",
	Key:   func(a, b *widgetUpdate) int { return cmp.Compare(a.ID, b.ID) },
	Validate: func(v *widgetUpdate) error {
		if v.Name.Set && v.Name.Value == "" {
			return runtime.NewValidationError("", "widgets", []runtime.FieldError{{Field: "name", Message: "must not be empty"}})
		}
		return nil
	},
	Row: func(v *widgetUpdate, r *runtime.BulkRow) {
		r.Add(runtime.Elem(&v.ID), runtime.Elem(&v.Version), runtime.Elem(v.Name.Ptr()))
	},
}

func widgets(t *testing.T, n int) *runtime.DB {
	t.Helper()
	db := openDB(t, runtime.Config{}, widgetsSchema)
	if _, err := db.Exec(testContext(t), `INSERT INTO widgets (id, name) SELECT i, 'w' || i FROM generate_series(1, $1) i`, n); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestBulkUpdateManyReportsEveryRowThatStopsIt(t *testing.T) {
	ctx := testContext(t)
	db := widgets(t, 20)
	rows := []widgetUpdate{{ID: 5, Version: 1, Name: runtime.Set("five")}, {ID: 99, Version: 1}, {ID: 3, Version: 7}, {ID: 1, Version: 1}}
	for i := range 15 {
		rows = append(rows, widgetUpdate{ID: int64(100 + i), Version: 1})
	}
	_, err := runtime.UpdateMany(ctx, db, bulkWidgets, opWidgetsUpdateMany, rows)
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindConflict || !errors.Is(err, runtime.ErrStaleVersion) || de.Table != "widgets" {
		t.Fatalf("UpdateMany: %v", err)
	}
	if len(de.Rows) != 17 || de.Rows[0] != (runtime.RowError{Index: 1, Kind: runtime.KindNotFound}) || de.Rows[1] != (runtime.RowError{Index: 2, Kind: runtime.KindConflict}) {
		t.Errorf("rows %v", de.Rows)
	}
	want := "widgets.UpdateMany: conflict: rows 1, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 6 more have no row of widgets in sight; row 2 has a stale version: " +
		"the row was changed since it was read; the batch changed nothing"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	var name string
	if err := db.QueryRow(ctx, `SELECT name FROM widgets WHERE id = 5`).Scan(&name); err != nil || name != "w5" {
		t.Errorf("row 5 after the failed batch: %q, %v", name, err)
	}
	if n, err := runtime.UpdateMany(ctx, db, bulkWidgets, opWidgetsUpdateMany, rows[:1]); n != 1 || err != nil {
		t.Fatalf("UpdateMany = %d, %v", n, err)
	}
}

func TestBulkRefusesBadRowsBeforeSQL(t *testing.T) {
	ctx := testContext(t)
	var sent int
	db := funcDB{query: func() { sent++ }}
	_, err := runtime.UpdateMany(ctx, db, bulkWidgets, opWidgetsUpdateMany, []widgetUpdate{{ID: 1, Name: runtime.Set("")}, {ID: 2}, {ID: 3, Name: runtime.Set("")}})
	if want := "widgets.UpdateMany: validation failed: [0].name: must not be empty; [2].name: must not be empty"; err == nil || err.Error() != want {
		t.Errorf("invalid rows: %v, want %q", err, want)
	}
	_, err = runtime.UpdateMany(ctx, db, bulkWidgets, opWidgetsUpdateMany, []widgetUpdate{{ID: 2}, {ID: 1}, {ID: 2}, {ID: 3}, {ID: 1}})
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || len(de.Fields) != 2 || de.Fields[0].Field != "[2]" || de.Fields[1].Field != "[4]" ||
		de.Fields[0].Message != "has the key of row 0; a batch may write each row once" {
		t.Errorf("duplicate keys: %v", err)
	}
	if sent != 0 {
		t.Errorf("%d statements sent", sent)
	}
	// A batch of several statements needs a transaction, which funcDB
	// cannot begin.
	_, err = runtime.UpdateMany(runtime.WithBulkChunk(ctx, 1), db, bulkWidgets, opWidgetsUpdateMany, []widgetUpdate{{ID: 1}, {ID: 2}})
	if !errors.Is(err, runtime.ErrMisuse) || !strings.Contains(err.Error(), "a batch of 2 rows (more than 1, one statement's worth, or an upsert) runs in a transaction, but runtime_test.funcDB cannot begin one") {
		t.Errorf("split on a DBTX without transactions: %v", err)
	}
}

func TestBulkSplitsInOneTransaction(t *testing.T) {
	ctx := runtime.WithBulkChunk(testContext(t), 7)
	db := widgets(t, 50)
	var rows []widgetUpdate
	for i := 50; i >= 1; i-- {
		rows = append(rows, widgetUpdate{ID: int64(i), Version: 1, Name: runtime.Set(fmt.Sprint("v", i))})
	}
	rows[0].Version = 2 // the last statement in key order fails
	if _, err := runtime.UpdateMany(ctx, db, bulkWidgets, opWidgetsUpdateMany, rows); !errors.Is(err, runtime.ErrStaleVersion) {
		t.Fatalf("UpdateMany: %v", err)
	}
	var changed int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM widgets WHERE version > 1`).Scan(&changed); err != nil || changed != 0 {
		t.Fatalf("%d rows changed by the failed batch, %v", changed, err)
	}
	rows[0].Version = 1
	if n, err := runtime.UpdateMany(ctx, db, bulkWidgets, opWidgetsUpdateMany, rows); n != 50 || err != nil {
		t.Fatalf("UpdateMany = %d, %v", n, err)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM widgets WHERE version = 2 AND name = 'v' || id`).Scan(&changed); err != nil || changed != 50 {
		t.Fatalf("%d rows changed, %v", changed, err)
	}
}

func TestCompareFunctions(t *testing.T) {
	now := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		got  int
		want int
	}{
		{"char ignores trailing spaces", runtime.CompareChar("ab  ", "ab"), 0},
		{"char", runtime.CompareChar("ab", "ac"), -1},
		{"citext folds case", runtime.CompareFold("ABC", "abc"), 0},
		{"time to the microsecond", runtime.CompareTime(now, now.Add(400*time.Nanosecond)), 0},
		{"time", runtime.CompareTime(now, now.Add(time.Microsecond)), -1},
		{"time zones", runtime.CompareTime(now, now.In(time.FixedZone("x", 3600))), 0},
		{"date ignores the time of day", runtime.CompareDate(now, now.Add(time.Hour)), 0},
		{"date", runtime.CompareDate(now, now.AddDate(0, 0, 1)), -1},
		{"bool", runtime.CompareBool(true, false), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	keys := []bool{true, false, true}
	slices.SortFunc(keys, runtime.CompareBool)
	if !slices.Equal(keys, []bool{false, true, true}) {
		t.Errorf("sorted %v", keys)
	}
}

// funcDB is a DBTX that sends nothing: it counts queries and fails them.
type funcDB struct{ query func() }

func (d funcDB) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	d.query()
	return pgconn.CommandTag{}, errors.New("funcDB")
}

func (d funcDB) Query(context.Context, string, ...any) (pgx.Rows, error) {
	d.query()
	return nil, errors.New("funcDB")
}

func (d funcDB) QueryRow(context.Context, string, ...any) pgx.Row { d.query(); return nil }

func (d funcDB) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	d.query()
	return 0, errors.New("funcDB")
}

func (d funcDB) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults { d.query(); return nil }

// TestBulkSplitKeepsTenantAndActor checks that a batch split into several
// statements runs each as the caller's tenant and actor: the database
// generated methods pass is Acting(ctx, Scope(r.db, tenant)).
func TestBulkSplitKeepsTenantAndActor(t *testing.T) {
	ctx := runtime.WithBulkChunk(runtime.WithActor(testContext(t), "alice"), 3)
	key := testTenantKey(t)
	db := openDB(t, runtime.Config{TenantKey: key}, widgetsSchema,
		"CREATE TABLE "+runtime.TenantKeyTable+" (id text PRIMARY KEY, inner_key bytea NOT NULL, outer_key bytea NOT NULL, added_at timestamptz NOT NULL DEFAULT now())",
		runtime.TenantFunctionSQL, runtime.TenantPrivilegesSQL,
		`INSERT INTO widgets (id, name) SELECT i, 'w' || i FROM generate_series(1, 10) i`)
	if err := runtime.InstallTenantKey(ctx, db, key); err != nil {
		t.Fatal(err)
	}
	// The tenant is what the policies see: cpcgen_tenant() verifies the
	// token the scope sets.
	if _, err := db.Exec(ctx, `ALTER TABLE widgets ADD COLUMN who text;
CREATE FUNCTION widgets_who() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.who := current_setting('cpcgen.actor', true) || '/' || cpcgen_tenant(); RETURN NEW; END $$;
CREATE TRIGGER widgets_who BEFORE UPDATE ON widgets FOR EACH ROW EXECUTE FUNCTION widgets_who()`); err != nil {
		t.Fatal(err)
	}
	var rows []widgetUpdate
	for i := 1; i <= 10; i++ {
		rows = append(rows, widgetUpdate{ID: int64(i), Version: 1, Name: runtime.Set("x")})
	}
	scoped := runtime.Acting(ctx, runtime.Scope(db, "org-7"))
	if n, err := runtime.UpdateMany(ctx, scoped, bulkWidgets, opWidgetsUpdateMany, rows); n != 10 || err != nil {
		t.Fatalf("UpdateMany = %d, %v", n, err)
	}
	var whos []string
	if err := pgxRows(ctx, db, `SELECT DISTINCT who FROM widgets`, &whos); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(whos, []string{"alice/org-7"}) {
		t.Errorf("rows written as %q, want every one as alice/org-7", whos)
	}
}

// pgxRows reads the one text column of sql's rows into out.
func pgxRows(ctx context.Context, db *runtime.DB, sql string, out *[]string) error {
	rows, err := db.Query(ctx, sql)
	if err != nil {
		return err
	}
	s, err := pgx.CollectRows(rows, pgx.RowTo[string])
	*out = s
	return err
}

// A batch read back through UpdateManyReturning: an optional field
// (FlagElem, then its value), a text array (TextElem) and a nullable
// bytea (Elem of a slice, nil for NULL).
type gadgetRow struct {
	ID   int64
	Note runtime.Opt[*string]
	Tags []string
	Blob []byte
}

type gadget struct {
	ID   int64
	Note string
	Tags []string
	Blob []byte
}

const sqlGadgetsEcho = `WITH "v" AS (SELECT * FROM unnest($1::bigint[], $2::boolean[], $3::text[], $4::text[], $5::bytea[]) WITH ORDINALITY AS "u"("id", "note_set", "note", "tags", "blob", "ord"))
SELECT 0, "ord", "id", CASE WHEN "note_set" THEN coalesce("note", 'null') ELSE 'unset' END, "tags"::text[], "blob" FROM "v"
UNION ALL SELECT 1, "ord", NULL, NULL, NULL, NULL FROM "v" WHERE "id" < 0`

var bulkGadgets = &runtime.Bulk[*gadgetRow]{
	Table: "gadgets",
	Key:   func(a, b *gadgetRow) int { return cmp.Compare(a.ID, b.ID) },
	Row: func(v *gadgetRow, r *runtime.BulkRow) {
		r.Add(runtime.Elem(&v.ID), runtime.FlagElem(&v.Note.Set), runtime.Elem(v.Note.Value), runtime.TextElem("_text", &v.Tags), runtime.Elem(&v.Blob))
	},
}

func scanGadget(v *gadget, d []any) []any { return append(d, &v.ID, &v.Note, &v.Tags, &v.Blob) }

// TestBulkReadsRowsInEveryExecMode checks the values a batch sends and
// reads back, in key order and out, in each of pgx's query modes (the
// state and position are read from the raw values, binary or text), and
// that a row named missing stops the batch.
func TestBulkReadsRowsInEveryExecMode(t *testing.T) {
	ctx := testContext(t)
	note := "n"
	rows := []gadgetRow{
		{ID: 3, Note: runtime.Set(&note), Tags: []string{"a", "b c"}, Blob: []byte{1}},
		{ID: 1},
		{ID: 2, Note: runtime.Set[*string](nil), Tags: []string{}, Blob: []byte{}},
	}
	want := []gadget{{3, "n", []string{"a", "b c"}, []byte{1}}, {1, "unset", nil, nil}, {2, "null", []string{}, []byte{}}}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
		cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		cfg.ConnConfig.DefaultQueryExecMode = mode
		cfg.AfterConnect = runtime.AfterConnect
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := runtime.UpdateManyReturning(ctx, pool, bulkGadgets, opGadgetsEcho, scanGadget, rows)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("%s: rows (-want +got):\n%s", mode, diff)
		}
		_, err = runtime.UpdateManyReturning(ctx, pool, bulkGadgets, opGadgetsEcho, scanGadget, append(slices.Clone(rows), gadgetRow{ID: -5}))
		var de *runtime.DbError
		if !errors.As(err, &de) || de.Kind != runtime.KindNotFound || len(de.Rows) != 1 || de.Rows[0].Index != 3 {
			t.Errorf("%s: a missing row: %v", mode, err)
		}
		pool.Close()
	}
}

// TestBulkRowOfVaryingLength checks that a Row adding a different number
// of values for different rows is an error, not a panic.
func TestBulkRowOfVaryingLength(t *testing.T) {
	bad := &runtime.Bulk[*widgetUpdate]{
		Table: "widgets",
		Key:   func(a, b *widgetUpdate) int { return cmp.Compare(a.ID, b.ID) },
		Row: func(v *widgetUpdate, r *runtime.BulkRow) {
			r.Add(runtime.Elem(&v.ID))
			if v.ID > 1 {
				r.Add(runtime.Elem(&v.Version))
			}
		},
	}
	_, err := runtime.UpdateMany(testContext(t), funcDB{query: func() { t.Error("a statement ran") }}, bad, opWidgetsUpdateMany, []widgetUpdate{{ID: 1}, {ID: 2}})
	if err == nil || !strings.Contains(err.Error(), "different numbers of values") {
		t.Errorf("UpdateMany = %v", err)
	}
}

// The statements above as the generated package's descriptors.
var (
	opWidgetsUpdateMany = &runtime.Op{Name: "widgets.UpdateMany", Table: "widgets", SQL: sqlWidgetsUpdateMany}
	opGadgetsEcho       = &runtime.Op{Name: "gadgets.UpdateManyReturning", Table: "gadgets", SQL: sqlGadgetsEcho}
)
