package bulkdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// hostile are strings that break naive quoting, in SQL, in JSON and in
// the text of an array literal, which array values travel as.
var hostile = []string{
	`it's`, `"quoted"`, `back\slash`, `{braces}`, `comma, separated`, `NULL`, `null`, ` padded `, `'; DROP TABLE items; --`,
	`$1 ? :name @p`, "tab\tnew\nline", "é ü 日本 🎉", ``, `\x00 literally`, strings.Repeat("x", 10000),
}

// countingDB counts the statements sent through it.
type countingDB struct {
	runtime.DBTX
	n atomic.Int64
}

func (c *countingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.n.Add(1)
	return c.DBTX.Exec(ctx, sql, args...)
}

func (c *countingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.n.Add(1)
	return c.DBTX.Query(ctx, sql, args...)
}

func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n.Add(1)
	return c.DBTX.QueryRow(ctx, sql, args...)
}

func (c *countingDB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	c.n.Add(1)
	return c.DBTX.SendBatch(ctx, b)
}

// countingTracer counts the statements a pool sends, BEGIN and COMMIT
// included.
type countingTracer struct{ n atomic.Int64 }

func (c *countingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *countingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// tracedPool is a pool of the test's database whose statements tracer
// counts.
func tracedPool(t *testing.T, tracer pgx.QueryTracer) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = tracer
	cfg.AfterConnect = runtime.AfterConnect
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// rowsOf returns the indexes and kinds of a batch error's rows.
func rowsOf(t *testing.T, err error) map[int]runtime.Kind {
	t.Helper()
	var de *runtime.DbError
	if !errors.As(err, &de) {
		t.Fatalf("not a *runtime.DbError: %v", err)
	}
	out := map[int]runtime.Kind{}
	for _, r := range de.Rows {
		out[r.Index] = r.Kind
	}
	return out
}

func items(t *testing.T, s *Store, n int) []Item {
	t.Helper()
	rows := make([]NewItem, n)
	for i := range rows {
		rows[i] = NewItem{SKU: fmt.Sprintf("sku-%04d", i), Name: fmt.Sprintf("item %d", i), Note: runtime.NullOf("note"),
			Label: runtime.SetNullable("label"), Tags: []string{"a"}, Price: runtime.NullOf(decimal.RequireFromString("1.50"))}
	}
	out, err := s.Items.CreateManyReturning(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestUpdateManyAppliesEachRowsChanges: each row's own changes, with
// Update's three states per field (unset keeps the value, set changes
// it, set to nil makes it NULL), hostile strings and arrays round trip,
// and UpdateManyReturning returns the rows in the order given.
func TestUpdateManyAppliesEachRowsChanges(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Pool(t))
	before := items(t, s, len(hostile)+2)
	var rows []ItemKeyedUpdate
	for i, h := range hostile {
		rows = append(rows, ItemKeyedUpdate{ID: before[i].ID, Changes: ItemUpdate{
			Name:  runtime.Set(h),
			Note:  runtime.SetNullable(h),
			Tags:  runtime.Set([]string{h, "", h + "2"}),
			Moods: runtime.Set([]Mood{MoodItsComplicated, MoodSad}),
		}})
	}
	n := len(hostile)
	// Set to NULL, and set nothing at all.
	rows = append(rows,
		ItemKeyedUpdate{ID: before[n].ID, Changes: ItemUpdate{Note: runtime.SetNull[string](), Label: runtime.SetNull[string](),
			Tags: runtime.Set[[]string](nil), Price: runtime.SetNull[decimal.Decimal](), Qty: runtime.Set(int32(-7))}},
		ItemKeyedUpdate{ID: before[n+1].ID})
	rand.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })

	got, err := s.Items.UpdateManyReturning(ctx, rows)
	if err != nil || len(got) != len(rows) {
		t.Fatalf("UpdateManyReturning = %d rows, %v", len(got), err)
	}
	want := map[uuid.UUID]Item{}
	for _, it := range before {
		want[it.ID] = it
	}
	for i, r := range rows {
		w := want[r.ID]
		if v, ok := r.Changes.Name.Get(); ok {
			w.Name = v
		}
		if v, ok := r.Changes.Note.Get(); ok {
			w.Note = v
		}
		if v, ok := r.Changes.Label.Get(); ok {
			w.Label = v
		}
		if v, ok := r.Changes.Tags.Get(); ok {
			w.Tags = v
		}
		if v, ok := r.Changes.Moods.Get(); ok {
			w.Moods = v
		}
		if v, ok := r.Changes.Price.Get(); ok {
			w.Price = v
		}
		if v, ok := r.Changes.Qty.Get(); ok {
			w.Qty = v
		}
		if !sameItem(got[i], w) {
			t.Errorf("row %d: returned %+v, want %+v", i, got[i], w)
		}
		stored, err := s.Items.FindByID(ctx, r.ID)
		if err != nil || !sameItem(stored, w) {
			t.Errorf("row %d: stored %+v, %v, want %+v", i, stored, err, w)
		}
	}

	// UpdateMany reports the count, and changes what it says.
	for i := range rows {
		rows[i].Changes = ItemUpdate{Qty: runtime.Set(int32(i))}
	}
	if n, err := s.Items.UpdateMany(ctx, rows); err != nil || n != int64(len(rows)) {
		t.Fatalf("UpdateMany = %d, %v", n, err)
	}
	for i, r := range rows {
		if it, _ := s.Items.FindByID(ctx, r.ID); it.Qty != int32(i) {
			t.Errorf("row %d: qty %d", i, it.Qty)
		}
	}
	if n, err := s.Items.UpdateMany(ctx, nil); n != 0 || err != nil {
		t.Fatalf("UpdateMany of no rows = %d, %v", n, err)
	}
}

func sameItem(a, b Item) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestUpdateManyIsAllOrNothing: a key without a row stops the batch,
// nothing changes, and the error names the row by its index.
func TestUpdateManyIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Pool(t))
	before := items(t, s, 5)
	rows := []ItemKeyedUpdate{
		{ID: before[3].ID, Changes: ItemUpdate{Name: runtime.Set("changed")}},
		{ID: uuid.New(), Changes: ItemUpdate{Name: runtime.Set("ghost")}},
		{ID: before[0].ID, Changes: ItemUpdate{Name: runtime.Set("changed")}},
		{ID: uuid.New()},
	}
	for name, update := range map[string]func() error{
		"UpdateMany":          func() error { _, err := s.Items.UpdateMany(ctx, rows); return err },
		"UpdateManyReturning": func() error { _, err := s.Items.UpdateManyReturning(ctx, rows); return err },
	} {
		err := update()
		if !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("%s with missing rows: %v", name, err)
		}
		if got := rowsOf(t, err); len(got) != 2 || got[1] != runtime.KindNotFound || got[3] != runtime.KindNotFound {
			t.Errorf("%s: rows %v, want 1 and 3 not found", name, got)
		}
		if !strings.Contains(err.Error(), "items."+name+": not found: rows 1 and 3 have no row of items in sight; the batch changed nothing") {
			t.Errorf("%s: message %q", name, err)
		}
	}
	for _, it := range before {
		if got, _ := s.Items.FindByID(ctx, it.ID); got.Name != it.Name {
			t.Errorf("%v changed to %q", it.ID, got.Name)
		}
	}
}

// TestBadBatchesSendNoSQL: rows that fail validation, or that name the
// same row twice, are all reported before any statement is sent.
func TestBadBatchesSendNoSQL(t *testing.T) {
	ctx := context.Background()
	db := &countingDB{DBTX: pgtest.Pool(t)}
	s := NewStore(db)
	_, err := s.Lines.UpdateMany(ctx, []LineKeyedUpdate{
		{OrderNo: 1, LineNo: 1, Changes: LineUpdate{Product: runtime.Set("")}},
		{OrderNo: 1, LineNo: 2, Changes: LineUpdate{Product: runtime.Set("ok")}},
		{OrderNo: 1, LineNo: 3, Changes: LineUpdate{Quantity: runtime.Set(int32(0)), Product: runtime.Set(strings.Repeat("x", 41))}},
	})
	var de *runtime.DbError
	if !errors.Is(err, runtime.ErrValidation) || !errors.As(err, &de) || de.Op != "lines.UpdateMany" {
		t.Fatalf("invalid rows: %v", err)
	}
	var fields []string
	for _, f := range de.Fields {
		fields = append(fields, f.Field)
	}
	if want := []string{"[0].product", "[2].product", "[2].quantity"}; !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
	_, err = s.Lines.UpsertManyByOrderNoAndLineNo(ctx, []NewLine{
		{OrderNo: 2, LineNo: 1, Product: "a", Quantity: 1},
		{OrderNo: 1, LineNo: 1, Product: "b", Quantity: 1},
		{OrderNo: 2, LineNo: 1, Product: "c", Quantity: 1},
		{OrderNo: 1, LineNo: 1, Product: "d", Quantity: 1},
		{OrderNo: 2, LineNo: 1, Product: "e", Quantity: 1},
	})
	if !errors.Is(err, runtime.ErrValidation) || !errors.As(err, &de) {
		t.Fatalf("duplicate keys: %v", err)
	}
	if want := "lines.UpsertManyByOrderNoAndLineNo: validation failed: [2]: has the key of row 0; a batch may write each row once; " +
		"[3]: has the key of row 1; a batch may write each row once; [4]: has the key of row 0; a batch may write each row once"; err.Error() != want {
		t.Errorf("duplicates: %q\nwant %q", err, want)
	}
	if _, err := s.Codes.DeleteMany(ctx, []string{"a", "b", "a"}); !errors.Is(err, runtime.ErrValidation) {
		t.Errorf("DeleteMany of a key twice: %v", err)
	}
	if n := db.n.Load(); n != 0 {
		t.Errorf("%d statements sent", n)
	}
}

// auditRows returns the audit log's rows of table, oldest first: action,
// actor, and the old and new images' fields named.
func auditRows(t *testing.T, db runtime.DBTX, table, field string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action || ' ' || coalesce(actor, '-') || ' ' || coalesce(old->>$2, '-') || ' ' || coalesce(new->>$2, '-')
FROM cpcgen_audit_log WHERE table_name = $1 ORDER BY id`, table, field)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOptimisticLockPerRow: each row carries the version read; one stale
// row stops the batch and is reported with the missing ones, the others
// unchanged; a batch that goes through bumps every version and writes
// one audit row per changed row, in the same statement.
func TestOptimisticLockPerRow(t *testing.T) {
	ctx := runtime.WithActor(context.Background(), "batcher")
	db := pgtest.Pool(t)
	s := NewStore(db)
	accts, err := s.Accounts.CreateManyReturning(ctx, []NewAccount{{Owner: "a"}, {Owner: "b"}, {Owner: "c"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accounts.Update(ctx, accts[1].ID, accts[1].Version, AccountUpdate{Memo: runtime.SetNullable("moved on")}); err != nil {
		t.Fatal(err)
	}
	rows := []AccountKeyedUpdate{
		{ID: accts[2].ID, Version: accts[2].Version, Changes: AccountUpdate{Balance: runtime.Set(decimal.NewFromInt(3))}},
		{ID: accts[1].ID, Version: accts[1].Version, Changes: AccountUpdate{Balance: runtime.Set(decimal.NewFromInt(2))}},
		{ID: accts[0].ID, Version: accts[0].Version, Changes: AccountUpdate{Balance: runtime.Set(decimal.NewFromInt(1))}},
		{ID: -1, Version: 1},
	}
	_, err = s.Accounts.UpdateManyReturning(ctx, rows)
	if !errors.Is(err, runtime.ErrStaleVersion) || !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("stale batch: %v", err)
	}
	if got := rowsOf(t, err); len(got) != 2 || got[1] != runtime.KindConflict || got[3] != runtime.KindNotFound {
		t.Errorf("rows %v, want 1 stale and 3 missing", got)
	}
	if !strings.Contains(err.Error(), "row 3 has no row of accounts in sight; row 1 has a stale version") {
		t.Errorf("message %q", err)
	}
	if a := auditRows(t, db, "accounts", "balance"); len(a) != 4 {
		t.Fatalf("audit rows after the failed batch: %q", a)
	}
	rows = rows[:3]
	rows[1].Version++
	got, err := s.Accounts.UpdateManyReturning(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range got {
		if a.ID != rows[i].ID || a.Version != rows[i].Version+1 || !a.Balance.Equal(rows[i].Changes.Balance.Value) || !a.UpdatedAt.After(a.CreatedAt) {
			t.Errorf("row %d: %+v", i, a)
		}
	}
	// The audit trigger records the rows in the order the statement
	// writes them.
	if a := auditRows(t, db, "accounts", "balance"); !slices.Equal(slices.Sorted(slices.Values(a[4:])), []string{"update batcher 0.00 1.00", "update batcher 0.00 2.00", "update batcher 0.00 3.00"}) {
		t.Errorf("audit rows of the batch: %q", a[4:])
	}

	// DeleteMany: a stale version stops it, a missing key is false.
	keys := []runtime.Versioned[int64, int64]{{Key: accts[0].ID, Version: 1}, {Key: -5, Version: 1}, {Key: accts[2].ID, Version: got[0].Version}}
	if _, err := s.Accounts.DeleteMany(ctx, keys); !errors.Is(err, runtime.ErrStaleVersion) || rowsOf(t, err)[0] != runtime.KindConflict {
		t.Fatalf("stale DeleteMany: %v", err)
	}
	keys[0].Version = got[2].Version
	done, err := s.Accounts.DeleteMany(ctx, keys)
	if err != nil || !slices.Equal(done, []bool{true, false, true}) {
		t.Fatalf("DeleteMany = %v, %v", done, err)
	}
	if n, _ := s.Accounts.Count(ctx); n != 1 {
		t.Errorf("%d accounts left", n)
	}
	if a := auditRows(t, db, "accounts", "owner"); !slices.Equal(slices.Sorted(slices.Values(a[len(a)-2:])), []string{"delete batcher a -", "delete batcher c -"}) {
		t.Errorf("audit rows of DeleteMany: %q", a)
	}
}

// TestUpsertMany: new rows are inserted, rows in the way updated as the
// single upsert updates them (an unset optional field keeps its value,
// the version moves), both returned in the order given and audited.
func TestUpsertMany(t *testing.T) {
	ctx := runtime.WithActor(context.Background(), "up")
	db := pgtest.Pool(t)
	s := NewStore(db)
	old, err := s.Accounts.Create(ctx, NewAccount{Owner: "b", Balance: runtime.Set(decimal.NewFromInt(7)), Memo: runtime.NullOf("kept?")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Accounts.UpsertManyByOwner(ctx, []NewAccount{
		{Owner: "c", Balance: runtime.Set(decimal.NewFromInt(3))},
		{Owner: "b"},
		{Owner: "a", Memo: runtime.NullOf("new")},
	})
	if err != nil || len(got) != 3 {
		t.Fatalf("UpsertManyByOwner = %+v, %v", got, err)
	}
	if got[1].ID != old.ID || got[1].Version != 2 || !got[1].Balance.Equal(decimal.NewFromInt(7)) || got[1].Memo.Valid {
		t.Errorf("updated row %+v", got[1])
	}
	if got[0].Owner != "c" || got[0].Version != 1 || !got[0].Balance.Equal(decimal.NewFromInt(3)) || got[2].Owner != "a" || got[2].Memo != runtime.NullOf("new") {
		t.Errorf("inserted rows %+v %+v", got[0], got[2])
	}
	if a := auditRows(t, db, "accounts", "owner"); len(a) != 4 || !slices.Contains(a, "update up b b") || !slices.Contains(a, "create up - a") {
		t.Errorf("audit rows %q", a)
	}

	// The do-nothing form returns the rows there, unchanged.
	rows, created, err := s.Accounts.CreateManyIfAbsentByOwner(ctx, []NewAccount{{Owner: "d"}, {Owner: "b", Memo: runtime.NullOf("ignored")}})
	if err != nil || !slices.Equal(created, []bool{true, false}) || rows[1].ID != old.ID || rows[1].Version != 2 || rows[0].Owner != "d" {
		t.Fatalf("CreateManyIfAbsentByOwner = %+v, %v, %v", rows, created, err)
	}

	// A natural primary key.
	codes, err := s.Codes.UpsertManyByCode(ctx, []NewCode{{Code: "x", Label: "1"}, {Code: "y", Label: "2"}})
	if err != nil || len(codes) != 2 {
		t.Fatal(codes, err)
	}
	codes, err = s.Codes.UpsertManyByCode(ctx, []NewCode{{Code: "z", Label: "3"}, {Code: "x", Label: "one"}})
	if err != nil || codes[0].Code != "z" || codes[1].Label != "one" {
		t.Fatalf("UpsertManyByCode = %+v, %v", codes, err)
	}
	if n, _ := s.Codes.Count(ctx); n != 3 {
		t.Errorf("%d codes", n)
	}
}

// TestTenantSoftDeleteBatches: DeleteMany soft-deletes the tenant's live
// rows only, RestoreMany brings back its deleted ones, HardDeleteMany
// removes them deleted or not; another tenant's keys reach nothing.
func TestTenantSoftDeleteBatches(t *testing.T) {
	s := NewStore(pgtest.Pool(t))
	a := runtime.WithTenant(context.Background(), uuid.New())
	b := runtime.WithTenant(context.Background(), uuid.New())
	da, err := s.Docs.CreateManyReturning(a, []NewDoc{{Slug: "one", Title: "1"}, {Slug: "two", Title: "2"}, {Slug: "three", Title: "3"}})
	if err != nil {
		t.Fatal(err)
	}
	db, err := s.Docs.CreateManyReturning(b, []NewDoc{{Slug: "one", Title: "b1"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{da[0].ID, db[0].ID, da[1].ID}
	if done, err := s.Docs.DeleteMany(a, ids); err != nil || !slices.Equal(done, []bool{true, false, true}) {
		t.Fatalf("DeleteMany = %v, %v", done, err)
	}
	if done, err := s.Docs.DeleteMany(a, ids); err != nil || !slices.Equal(done, []bool{false, false, false}) {
		t.Fatalf("DeleteMany again = %v, %v", done, err)
	}
	// Updates reach live rows only.
	_, err = s.Docs.UpdateMany(a, []DocKeyedUpdate{{ID: da[2].ID, Changes: DocUpdate{Title: runtime.Set("x")}}, {ID: da[0].ID}})
	if got := rowsOf(t, err); len(got) != 1 || got[1] != runtime.KindNotFound {
		t.Fatalf("UpdateMany of a deleted row: %v", err)
	}
	if done, err := s.Docs.RestoreMany(a, []int64{da[1].ID, da[2].ID, db[0].ID}); err != nil || !slices.Equal(done, []bool{true, false, false}) {
		t.Fatalf("RestoreMany = %v, %v", done, err)
	}
	// The batch upsert reaches the tenant's live row of a slug; a deleted
	// one does not hold it.
	up, err := s.Docs.UpsertManyByOrgIDAndSlug(a, []NewDoc{{Slug: "one", Title: "again"}, {Slug: "two", Title: "2b"}})
	if err != nil || up[0].ID == da[0].ID || up[1].ID != da[1].ID || up[1].Title != "2b" {
		t.Fatalf("UpsertManyByOrgIDAndSlug = %+v, %v", up, err)
	}
	if done, err := s.Docs.HardDeleteMany(a, []int64{da[0].ID, da[1].ID, db[0].ID}); err != nil || !slices.Equal(done, []bool{true, true, false}) {
		t.Fatalf("HardDeleteMany = %v, %v", done, err)
	}
	if got, err := s.Docs.FindByID(b, db[0].ID); err != nil || got.Title != "b1" || got.DeletedAt.Valid {
		t.Fatalf("tenant b's row: %+v, %v", got, err)
	}
	if _, err := s.Docs.DeleteMany(context.Background(), ids); !errors.Is(err, runtime.ErrNoTenant) {
		t.Fatalf("without a tenant: %v", err)
	}
}

// TestLargeBatchesSplitInOneTransaction: a batch larger than a
// statement's worth is split, all in one transaction: a missing row in
// the last statement undoes the first ones. Inside the caller's
// transaction it is a savepoint; on a connection inside a transaction
// begun outside pgx, splitting is refused.
func TestLargeBatchesSplitInOneTransaction(t *testing.T) {
	ctx := runtime.WithBulkChunk(context.Background(), 3)
	tracer := &countingTracer{}
	pool := tracedPool(t, tracer)
	s := NewStore(pool)
	before := items(t, s, 10)
	rows := make([]ItemKeyedUpdate, len(before))
	for i, it := range before {
		rows[i] = ItemKeyedUpdate{ID: it.ID, Changes: ItemUpdate{Name: runtime.Set("split")}}
	}
	tracer.n.Store(0)
	if n, err := s.Items.UpdateMany(ctx, rows); n != 10 || err != nil {
		t.Fatalf("UpdateMany = %d, %v", n, err)
	}
	if n := tracer.n.Load(); n != 6 {
		t.Errorf("%d statements for 10 rows of 3, want BEGIN, 4 and COMMIT", n)
	}
	rows = append(rows, ItemKeyedUpdate{ID: uuid.Max})
	for i := range rows {
		rows[i].Changes.Name = runtime.Set("lost")
	}
	if _, err := s.Items.UpdateMany(ctx, rows); rowsOf(t, err)[10] != runtime.KindNotFound {
		t.Fatalf("UpdateMany with a missing row last: %v", err)
	}
	for _, it := range before {
		if got, _ := s.Items.FindByID(ctx, it.ID); got.Name != "split" {
			t.Fatalf("%v: %q after the failed batch", it.ID, got.Name)
		}
	}

	// In the caller's transaction: a savepoint, whose failure leaves the
	// transaction usable.
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		ts := NewStore(tx)
		if _, err := ts.Items.UpdateMany(ctx, rows); !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("in a transaction: %v", err)
		}
		done, err := ts.Items.DeleteMany(ctx, []uuid.UUID{before[0].ID, before[1].ID, before[2].ID, before[3].ID, uuid.Nil})
		if err != nil || !slices.Equal(done, []bool{true, true, true, true, false}) {
			t.Errorf("DeleteMany in a transaction = %v, %v", done, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Items.Count(ctx); n != 6 {
		t.Errorf("%d items after the transaction", n)
	}

	// A connection inside a transaction begun with SQL.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	_, err = NewStore(conn).Items.UpdateMany(ctx, rows[4:])
	if !errors.Is(err, runtime.ErrMisuse) || !strings.Contains(err.Error(), "inside a transaction begun outside pgx") {
		t.Fatalf("split on a connection in a transaction: %v", err)
	}
	if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	// One statement's worth needs no transaction of its own there.
	if _, err := NewStore(conn).Items.UpdateMany(context.Background(), rows[4:10]); err != nil {
		t.Fatal(err)
	}
}

// waitForLockWait waits until a statement whose text contains name waits
// for a lock.
func waitForLockWait(t *testing.T, db runtime.DBTX, name string) {
	t.Helper()
	for {
		var waiting bool
		err := db.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid())`, name).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
	}
}

// TestRowsAreLockedInKeyOrder: whatever the order of the rows given, a
// batch locks its rows in key order. With the middle key held by another
// transaction, the batch has locked the keys before it and not yet the
// keys after it.
func TestRowsAreLockedInKeyOrder(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	s := NewStore(pool)
	if _, err := s.Codes.CreateMany(ctx, []NewCode{{Code: "a", Label: "-"}, {Code: "b", Label: "-"}, {Code: "c", Label: "-"}, {Code: "d", Label: "-"}, {Code: "e", Label: "-"}}); err != nil {
		t.Fatal(err)
	}
	holder, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx)
	if _, err := holder.Exec(ctx, `SELECT 1 FROM codes WHERE code = 'c' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Codes.UpdateMany(ctx, []CodeKeyedUpdate{
			{Code: "e", Changes: CodeUpdate{Label: runtime.Set("e")}},
			{Code: "a", Changes: CodeUpdate{Label: runtime.Set("a")}},
			{Code: "d", Changes: CodeUpdate{Label: runtime.Set("d")}},
			{Code: "c", Changes: CodeUpdate{Label: runtime.Set("c")}},
			{Code: "b", Changes: CodeUpdate{Label: runtime.Set("b")}},
		})
		done <- err
	}()
	waitForLockWait(t, pool, "codes.UpdateMany")
	locked := func(code string) bool {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Error(err)
			return false
		}
		defer tx.Rollback(ctx)
		_, err = tx.Exec(ctx, `SELECT 1 FROM codes WHERE code = $1 FOR UPDATE NOWAIT`, code)
		var pgErr *pgconn.PgError
		if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "55P03") {
			t.Error(err)
		}
		return err != nil
	}
	for code, want := range map[string]bool{"a": true, "b": true, "d": false, "e": false} {
		if got := locked(code); got != want {
			t.Errorf("key %s locked by the waiting batch: %v, want %v", code, got, want)
		}
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestOverlappingBatchesDoNotDeadlock runs 8 goroutines that update and
// upsert overlapping sets of rows, each given in an order of its own:
// every batch locks in key order, so none deadlocks (PostgreSQL would
// abort one of a deadlocked pair with an error).
func TestOverlappingBatchesDoNotDeadlock(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Pool(t))
	const keys, batch, workers, rounds = 400, 300, 8, 12
	all := make([]NewCode, keys)
	for i := range all {
		all[i] = NewCode{Code: fmt.Sprintf("k%03d", i), Label: "-"}
	}
	if _, err := s.Codes.CreateMany(ctx, all); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for round := range rounds {
				pick := r.Perm(keys)[:batch]
				var err error
				if round%2 == 0 {
					rows := make([]CodeKeyedUpdate, batch)
					for i, k := range pick {
						rows[i] = CodeKeyedUpdate{Code: all[k].Code, Changes: CodeUpdate{Label: runtime.Set(fmt.Sprint(w))}}
					}
					_, err = s.Codes.UpdateMany(ctx, rows)
				} else {
					rows := make([]NewCode, batch)
					for i, k := range pick {
						rows[i] = NewCode{Code: all[k].Code, Label: fmt.Sprint(w)}
					}
					_, err = s.Codes.UpsertManyByCode(ctx, rows)
				}
				if err != nil {
					errs <- fmt.Errorf("worker %d round %d: %w", w, round, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestHundredThousandRows: 100,000 rows, split into statements in one
// transaction, through UpdateMany, UpsertMany and DeleteMany.
func TestHundredThousandRows(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Pool(t))
	const n = 100_000
	news := make([]NewCode, n)
	updates := make([]CodeKeyedUpdate, n)
	keys := make([]string, n)
	for i := range news {
		keys[i] = fmt.Sprintf("code-%06d", (i*7919)%n)
		news[i] = NewCode{Code: keys[i], Label: "new"}
		updates[i] = CodeKeyedUpdate{Code: keys[i], Changes: CodeUpdate{Label: runtime.Set(hostile[i%len(hostile)])}}
	}
	if _, err := s.Codes.CreateMany(ctx, news[:n/2]); err != nil {
		t.Fatal(err)
	}
	up, err := s.Codes.UpsertManyByCode(ctx, news)
	if err != nil || len(up) != n || up[n-1].Code != keys[n-1] {
		t.Fatalf("UpsertManyByCode of %d rows: %d, %v", n, len(up), err)
	}
	if got, err := s.Codes.UpdateMany(ctx, updates); err != nil || got != n {
		t.Fatalf("UpdateMany of %d rows = %d, %v", n, got, err)
	}
	var changed int
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT count(*) FROM codes WHERE label <> 'new'`).Scan(&changed); err != nil {
		t.Fatal(err)
	}
	if back, err := s.Codes.FindByIDs(ctx, keys[:1000]); err != nil || len(back) != 1000 {
		t.Fatalf("FindByIDs: %d, %v", len(back), err)
	} else {
		want := map[string]string{}
		for _, u := range updates[:1000] {
			want[u.Code] = u.Changes.Label.Value
		}
		for _, c := range back {
			if c.Label != want[c.Code] {
				t.Fatalf("%s: label %q, want %q", c.Code, c.Label, want[c.Code])
			}
		}
	}
	done, err := s.Codes.DeleteMany(ctx, keys)
	if err != nil || len(done) != n || slices.Contains(done, false) {
		t.Fatalf("DeleteMany of %d rows: %d, %v", n, len(done), err)
	}
	if c, _ := s.Codes.Count(ctx); c != 0 {
		t.Errorf("%d rows left", c)
	}
}

// TestEveryStatementMode runs the batch writes with each way of sending
// statements: prepared, described, and with parameters of unspecified
// type (exec and simple, as behind PgBouncer), arrays of enums, uuids,
// decimals and arrays included.
func TestEveryStatementMode(t *testing.T) {
	for _, mode := range []runtime.StatementMode{runtime.StatementModePrepared, runtime.StatementModeDescribe, runtime.StatementModeExec, runtime.StatementModeSimple} {
		t.Run(string(mode), func(t *testing.T) {
			ctx := runtime.WithActor(context.Background(), "mode")
			url := pgtest.URL(t)
			if mode == runtime.StatementModePrepared {
				// Prepared statements need the server itself, not a
				// transaction pooler in front of it.
				url = pgtest.DirectURL(t, url)
			}
			db, err := runtime.Open(ctx, runtime.Config{URL: url, StatementMode: mode})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			s := NewStore(db)
			before := items(t, s, 3)
			got, err := s.Items.UpdateManyReturning(ctx, []ItemKeyedUpdate{
				{ID: before[2].ID, Changes: ItemUpdate{Moods: runtime.Set([]Mood{MoodItsComplicated}), Tags: runtime.Set([]string{`a "b"`, `{c}`})}},
				{ID: before[0].ID, Changes: ItemUpdate{Price: runtime.SetNullable(decimal.RequireFromString("-0.01")), Note: runtime.SetNull[string]()}},
			})
			if err != nil || len(got) != 2 || got[0].Moods[0] != MoodItsComplicated || got[0].Tags[1] != `{c}` || got[1].Price.String() != "-0.01" || got[1].Note.Valid {
				t.Fatalf("UpdateManyReturning = %+v, %v", got, err)
			}
			if _, err := s.Items.UpdateMany(ctx, []ItemKeyedUpdate{{ID: uuid.New()}}); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("UpdateMany of a missing row: %v", err)
			}
			up, err := s.Items.UpsertManyBySKU(ctx, []NewItem{{SKU: "sku-0001", Name: "up"}, {SKU: "new", Name: "new", Moods: runtime.Set([]Mood{MoodSad})}})
			if err != nil || up[0].ID != before[1].ID || up[0].Name != "up" || up[1].Moods[0] != MoodSad {
				t.Fatalf("UpsertManyBySKU = %+v, %v", up, err)
			}
			if _, created, err := s.Items.CreateManyIfAbsentBySKU(ctx, []NewItem{{SKU: "new"}, {SKU: "newer"}}); err != nil || !slices.Equal(created, []bool{false, true}) {
				t.Fatalf("CreateManyIfAbsentBySKU = %v, %v", created, err)
			}
			acct, err := s.Accounts.Create(ctx, NewAccount{Owner: "o"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Accounts.DeleteMany(ctx, []runtime.Versioned[int64, int64]{{Key: acct.ID, Version: 9}}); !errors.Is(err, runtime.ErrStaleVersion) {
				t.Fatalf("stale DeleteMany: %v", err)
			}
			lines, err := s.Lines.UpsertManyByOrderNoAndLineNo(ctx, []NewLine{{OrderNo: 1, LineNo: 2, Product: "p", Quantity: 1}})
			if err != nil || len(lines) != 1 {
				t.Fatal(lines, err)
			}
			if done, err := s.Lines.DeleteMany(ctx, []LineKey{{OrderNo: 1, LineNo: 2}, {OrderNo: 1, LineNo: 3}}); err != nil || !slices.Equal(done, []bool{true, false}) {
				t.Fatalf("Lines.DeleteMany = %v, %v", done, err)
			}
			d := runtime.WithTenant(ctx, uuid.New())
			docs, err := s.Docs.CreateManyReturning(d, []NewDoc{{Slug: "s", Title: "t"}})
			if err != nil {
				t.Fatal(err)
			}
			if done, err := s.Docs.DeleteMany(d, []int64{docs[0].ID}); err != nil || !done[0] {
				t.Fatalf("Docs.DeleteMany = %v, %v", done, err)
			}
		})
	}
}

// TestUpsertManySendsAgainRowsCommittedMeanwhile: a row in the way that
// another transaction commits while the batch runs is out of the
// statement's sight; the batch sends that row again, in its transaction,
// and updates it there, as the single upsert would.
func TestUpsertManySendsAgainRowsCommittedMeanwhile(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	s := NewStore(pool)
	for _, absent := range []bool{false, true} {
		owner := fmt.Sprint("race-", absent)
		other, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Rollback(ctx)
		theirs, err := NewStore(other).Accounts.Create(ctx, NewAccount{Owner: owner, Memo: runtime.NullOf("theirs")})
		if err != nil {
			t.Fatal(err)
		}
		type result struct {
			rows    []Account
			created []bool
			err     error
		}
		done := make(chan result, 1)
		rows := []NewAccount{{Owner: owner, Balance: runtime.Set(decimal.NewFromInt(5))}, {Owner: owner + "-other"}}
		go func() {
			var r result
			if absent {
				r.rows, r.created, r.err = s.Accounts.CreateManyIfAbsentByOwner(ctx, rows)
			} else {
				r.rows, r.err = s.Accounts.UpsertManyByOwner(ctx, rows)
			}
			done <- r
		}()
		name := "accounts.UpsertManyByOwner"
		if absent {
			name = "accounts.CreateManyIfAbsentByOwner"
		}
		waitForLockWait(t, pool, name)
		if err := other.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		r := <-done
		if r.err != nil || len(r.rows) != 2 || r.rows[0].ID != theirs.ID || r.rows[1].Owner != owner+"-other" {
			t.Fatalf("absent %v: %+v, %v", absent, r.rows, r.err)
		}
		if absent {
			if !slices.Equal(r.created, []bool{false, true}) || !r.rows[0].Balance.IsZero() || r.rows[0].Memo != runtime.NullOf("theirs") {
				t.Errorf("CreateManyIfAbsentByOwner = %+v, %v", r.rows[0], r.created)
			}
		} else if r.rows[0].Version != 2 || !r.rows[0].Balance.Equal(decimal.NewFromInt(5)) || r.rows[0].Memo.Valid {
			t.Errorf("UpsertManyByOwner updated %+v", r.rows[0])
		}
	}
}
