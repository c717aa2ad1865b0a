package runtime_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// pageItem is one row of the table the paginated method below reads.
type pageItem struct {
	ID     int64
	Tenant uuid.UUID
	Email  string
}

const pageSchema = `CREATE TABLE items (
	id bigint PRIMARY KEY,
	tenant uuid NOT NULL,
	email text NOT NULL
)`

const (
	sqlItemsListFirst = `-- name: items.List replica=ok
SELECT id, tenant, email FROM items WHERE tenant = $1 ORDER BY email, id LIMIT $2`
	sqlItemsListAfter = `-- name: items.List replica=ok
SELECT id, tenant, email FROM items WHERE tenant = $1 AND (email, id) > ($2, $3) ORDER BY email, id LIMIT $4`
)

func scanItem(v *pageItem, d []any) []any { return append(d, &v.ID, &v.Tenant, &v.Email) }

// listItems is a keyset-paginated method of a tenant table written the
// way generated code calls the runtime: Paginate checks the page and
// binds cursors to the method and tenant.
func listItems(ctx context.Context, db runtime.DBTX, page runtime.PageArgs) (runtime.Page[pageItem], error) {
	const op, table = "items.List", "items"
	tenant, err := runtime.TenantFor[uuid.UUID](ctx, op, table)
	if err != nil {
		return runtime.Page[pageItem]{}, err
	}
	pager, err := runtime.Paginate(db, page, op, table, tenant)
	if err != nil {
		return runtime.Page[pageItem]{}, err
	}
	s := runtime.Scope(db, tenant)
	var rows pgx.Rows
	if page.After == "" {
		rows, err = s.Query(ctx, sqlItemsListFirst, tenant, pager.Size+1)
	} else {
		var email string
		var id int64
		if err := pager.Decode(page.After, &email, &id); err != nil {
			return runtime.Page[pageItem]{}, err
		}
		rows, err = s.Query(ctx, sqlItemsListAfter, tenant, email, id, pager.Size+1)
	}
	if err != nil {
		return runtime.Page[pageItem]{}, runtime.Wrap(err, op, table)
	}
	items, err := runtime.Collect(rows, nil, pager.Size+1, scanItem)
	if err != nil {
		return runtime.Page[pageItem]{}, runtime.Wrap(err, op, table)
	}
	return runtime.NewPage(items, pager.Size, func(v *pageItem) string {
		return pager.Cursor(v.Email, v.ID)
	}), nil
}

// seedItems inserts n rows for tenant, ids from first on.
func seedItems(t *testing.T, db runtime.DBTX, tenant uuid.UUID, first, n int) {
	t.Helper()
	_, err := db.Exec(testContext(t), `INSERT INTO items SELECT g, $1, 'user' || g || '@example.com' FROM generate_series($2::bigint, $3::bigint) g`, tenant, first, first+n-1)
	if err != nil {
		t.Fatal(err)
	}
}

// listAll pages through listItems with limit and returns every row.
func listAll(t *testing.T, ctx context.Context, db runtime.DBTX, limit int) []pageItem {
	t.Helper()
	var all []pageItem
	page := runtime.PageArgs{Limit: limit}
	for range 1000 {
		p, err := listItems(ctx, db, page)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Items...)
		if p.Next == "" {
			return all
		}
		page.After = p.Next
	}
	t.Fatal("no last page")
	return nil
}

// asValidation fails unless err is a *DbError of KindValidation for
// items.List whose only field is field; it returns the error.
func asValidation(t *testing.T, err error, field string) *runtime.DbError {
	t.Helper()
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || de.Op != "items.List" || de.Table != "items" {
		t.Fatalf("error %#v (%v) is not a validation error of items.List", err, err)
	}
	if len(de.Fields) != 1 || de.Fields[0].Field != field {
		t.Fatalf("fields %+v, want one named %s: %v", de.Fields, field, err)
	}
	return de
}

// TestPaginateWalksPages pages through one tenant's rows: every row once,
// in order, none of another tenant, and no cursor shows a row's values.
func TestPaginateWalksPages(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{TenantKey: testTenantKey(t)}, pageSchema)
	a, b := uuid.New(), uuid.New()
	seedItems(t, db, a, 1, 25)
	seedItems(t, db, b, 100, 5)
	ctxA := runtime.WithTenant(ctx, a)
	all := listAll(t, ctxA, db, 10)
	if len(all) != 25 {
		t.Fatalf("%d rows, want 25", len(all))
	}
	for i, it := range all {
		if it.Tenant != a || i > 0 && all[i-1].Email >= it.Email {
			t.Fatalf("row %d: %+v", i, it)
		}
	}
	p, err := listItems(ctxA, db, runtime.PageArgs{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	last := p.Items[2]
	raw, err := base64.RawURLEncoding.DecodeString(p.Next)
	if err != nil {
		t.Fatal(err)
	}
	for _, shown := range []string{p.Next, string(raw)} {
		if strings.Contains(shown, last.Email) || strings.Contains(shown, "example") || strings.Contains(shown, "user1") {
			t.Errorf("the cursor shows the row: %q", shown)
		}
	}
	// Two cursors of the same row differ: nothing links them.
	p2, err := listItems(ctxA, db, runtime.PageArgs{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Next == p.Next {
		t.Error("the same row gives the same cursor twice")
	}
}

// TestPaginateLimits checks the page size: the default, the maximum, a
// configured maximum that transactions and savepoints carry, the
// environment's, and the refusals, which send no statement.
func TestPaginateLimits(t *testing.T) {
	clearEnv(t)
	ctx := testContext(t)
	counter := &countingObserver{}
	db := openDB(t, runtime.Config{Observers: []runtime.Observer{counter}, TenantKey: testTenantKey(t)}, pageSchema)
	tenant := uuid.New()
	seedItems(t, db, tenant, 1, 1001)
	ctx = runtime.WithTenant(ctx, tenant)

	before := counter.n
	for _, limit := range []int{math.MaxInt, math.MaxInt32, runtime.DefaultMaxPageSize + 1} {
		_, err := listItems(ctx, db, runtime.PageArgs{Limit: limit})
		de := asValidation(t, err, "limit")
		if want := "items.List: validation failed: limit: must be at most 1000, the maximum page size"; err.Error() != want {
			t.Errorf("limit %d: %q, want %q", limit, err.Error(), want)
		}
		if !errors.Is(err, runtime.ErrValidation) || strings.Contains(de.Error(), fmt.Sprint(limit)) {
			t.Errorf("limit %d: %v", limit, err)
		}
	}
	_, err := listItems(ctx, db, runtime.PageArgs{Limit: -1})
	asValidation(t, err, "limit")
	_, err = listItems(ctx, db, runtime.PageArgs{After: strings.Repeat("A", runtime.MaxCursorLength+1)})
	asValidation(t, err, "after")
	if counter.n != before {
		t.Errorf("%d statements sent for refused pages", counter.n-before)
	}
	for limit, want := range map[int]int{0: runtime.DefaultPageSize, 1: 1, 1000: 1000} {
		p, err := listItems(ctx, db, runtime.PageArgs{Limit: limit})
		if err != nil || len(p.Items) != want || p.Next == "" {
			t.Errorf("limit %d: %d rows, %v", limit, len(p.Items), err)
		}
	}

	// The legacy Size never overflows: size+1 is a valid LIMIT.
	size := runtime.PageArgs{Limit: math.MaxInt}.Size()
	if size != math.MaxInt32 {
		t.Errorf("Size = %d", size)
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM items LIMIT $1) s", size+1).Scan(&n); err != nil || n != 1001 {
		t.Errorf("LIMIT size+1: %d, %v", n, err)
	}

	// A configured maximum, through the DB, a transaction, a savepoint
	// and a ScopedDB over them.
	small := openDB(t, runtime.Config{MaxPageSize: 5, TenantKey: testTenantKey(t)})
	if small.MaxPageSize() != 5 {
		t.Fatalf("MaxPageSize = %d", small.MaxPageSize())
	}
	check := func(name string, db runtime.DBTX) {
		t.Helper()
		for _, d := range []runtime.DBTX{db, runtime.Scope(db, tenant)} {
			if size, err := (runtime.PageArgs{}).Check(d, "items.List", "items"); size != 5 || err != nil {
				t.Errorf("%s: default size %d, %v", name, size, err)
			}
			_, err := (runtime.PageArgs{Limit: 6}).Check(d, "items.List", "items")
			de := asValidation(t, err, "limit")
			if !strings.Contains(de.Error(), "at most 5") {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	check("DB", small)
	err = small.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		check("tx", tx)
		return runtime.InTx(ctx, tx, runtime.TxOptions{}, func(sp pgx.Tx) error {
			check("savepoint", sp)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := small.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("Begin", tx)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	// A pool of pgx's own carries nothing: the environment decides.
	pool, err := pgxpool.New(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if got, err := runtime.MaxPageSizeOf(pool); got != runtime.DefaultMaxPageSize || err != nil {
		t.Errorf("MaxPageSizeOf(pool) = %d, %v", got, err)
	}
	t.Setenv("CPCGEN_MAX_PAGE_SIZE", "7")
	if got, err := runtime.MaxPageSizeOf(pool); got != 7 || err != nil {
		t.Errorf("MaxPageSizeOf(pool) = %d, %v", got, err)
	}
	if got, _ := runtime.MaxPageSizeOf(small); got != 5 {
		t.Errorf("the DB's own setting does not win: %d", got)
	}
	_, err = (runtime.PageArgs{Limit: 8}).Check(pool, "items.List", "items")
	asValidation(t, err, "limit")
	t.Setenv("CPCGEN_MAX_PAGE_SIZE", "lots")
	_, err = (runtime.PageArgs{Limit: 8}).Check(pool, "items.List", "items")
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || !strings.Contains(err.Error(), "CPCGEN_MAX_PAGE_SIZE: must be an integer from 1 to") {
		t.Errorf("bad CPCGEN_MAX_PAGE_SIZE: %v", err)
	}
}

// TestCursorBinding checks that a cursor works only for the method and
// tenant it was made for, and only as it was made.
func TestCursorBinding(t *testing.T) {
	clearEnv(t)
	ctx := testContext(t)
	db := openDB(t, runtime.Config{TenantKey: testTenantKey(t)}, pageSchema)
	a, b := uuid.New(), uuid.New()
	seedItems(t, db, a, 1, 10)
	seedItems(t, db, b, 100, 10)
	p, err := listItems(runtime.WithTenant(ctx, a), db, runtime.PageArgs{Limit: 2})
	if err != nil || p.Next == "" {
		t.Fatal(p, err)
	}
	// The same cursor, as tenant B: refused, not B's rows after A's key.
	_, err = listItems(runtime.WithTenant(ctx, b), db, runtime.PageArgs{After: p.Next})
	de := asValidation(t, err, "after")
	if !errors.Is(err, runtime.ErrBadCursor) || strings.Contains(err.Error(), p.Next) {
		t.Errorf("other tenant: %v", err)
	}
	if !strings.Contains(de.Error(), "made for another method or tenant") {
		t.Errorf("message: %v", err)
	}
	keys, err := runtime.CursorKeysOf(db)
	if err != nil {
		t.Fatal(err)
	}
	var email string
	var id int64
	for name, open := range map[string]func() error{
		"other method": func() error { return keys.Unseal(p.Next, "items.Search", a, &email, &id) },
		"no tenant":    func() error { return keys.Unseal(p.Next, "items.List", nil, &email, &id) },
		"same op":      func() error { return keys.Unseal(p.Next, "items.List", a, &email, &id) },
	} {
		err := open()
		if (err == nil) != (name == "same op") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Altered, cut, foreign or garbage cursors.
	raw, _ := base64.RawURLEncoding.DecodeString(p.Next)
	for i := range raw {
		bad := append([]byte(nil), raw...)
		bad[i] ^= 0x01
		_, err := listItems(runtime.WithTenant(ctx, a), db, runtime.PageArgs{After: base64.RawURLEncoding.EncodeToString(bad)})
		asValidation(t, err, "after")
	}
	for _, bad := range []string{p.Next[:len(p.Next)-1], p.Next[:10], plainCursor(`["user1@example.com", 1]`), "not a cursor!", "AAAA", "secret-looking-value"} {
		_, err := listItems(runtime.WithTenant(ctx, a), db, runtime.PageArgs{After: bad})
		asValidation(t, err, "after")
		if strings.Contains(err.Error(), bad) {
			t.Errorf("the error quotes the cursor: %v", err)
		}
	}
}

// TestCursorKeyRotation seals with the first key and opens with any, as
// docs/operations.md describes rotating keys.
func TestCursorKeyRotation(t *testing.T) {
	clearEnv(t)
	ctx := testContext(t)
	k1, k2 := newKey(t), newKey(t)
	url := pgtest.URL(t)
	openOn := func(keys *runtime.CursorKeys) *runtime.DB {
		db, err := runtime.Open(ctx, runtime.Config{URL: url, CursorKeys: keys, TenantKey: testTenantKey(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		return db
	}
	old := openOn(mustKeys(t, k1))
	if _, err := old.Exec(ctx, pageSchema); err != nil {
		t.Fatal(err)
	}
	tenant := uuid.New()
	seedItems(t, old, tenant, 1, 10)
	ctx = runtime.WithTenant(ctx, tenant)
	p, err := listItems(ctx, old, runtime.PageArgs{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	rotated := openOn(mustKeys(t, k2, k1))
	if _, err := listItems(ctx, rotated, runtime.PageArgs{After: p.Next, Limit: 2}); err != nil {
		t.Errorf("the second key does not open an old cursor: %v", err)
	}
	p2, err := listItems(ctx, rotated, runtime.PageArgs{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := listItems(ctx, old, runtime.PageArgs{After: p2.Next}); err == nil {
		t.Error("a new cursor was sealed with the old key")
	}
	dropped := openOn(mustKeys(t, k2))
	_, err = listItems(ctx, dropped, runtime.PageArgs{After: p.Next})
	asValidation(t, err, "after")
	if _, err := listItems(ctx, dropped, runtime.PageArgs{After: p2.Next}); err != nil {
		t.Errorf("a cursor of the current key: %v", err)
	}
	// In a transaction of the DB, its keys apply.
	err = rotated.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		_, err := listItems(ctx, tx, runtime.PageArgs{After: p.Next})
		return err
	})
	if err != nil {
		t.Errorf("in a transaction: %v", err)
	}
}

// newKey returns a random cursor key in base64.
func newKey(t *testing.T) string {
	t.Helper()
	key := uuid.New().String() + uuid.New().String()
	return base64.StdEncoding.EncodeToString([]byte(key[:32]))
}

// mustKeys parses keys.
func mustKeys(t *testing.T, keys ...string) *runtime.CursorKeys {
	t.Helper()
	k, err := runtime.ParseCursorKeys(strings.Join(keys, ","))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestCursorKeysFromEnv checks the fallbacks of CursorKeysOf and the
// configuration of keys, which never shows them.
func TestCursorKeysFromEnv(t *testing.T) {
	clearEnv(t)
	ctx := testContext(t)
	pool, err := pgxpool.New(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	// No keys anywhere: one random key per process, said in errors.
	random, err := runtime.CursorKeysOf(pool)
	if err != nil || random.String() != "a random key of this process" {
		t.Fatalf("CursorKeysOf = %v, %v", random, err)
	}
	other := mustKeys(t, newKey(t))
	err = random.Unseal(other.Seal("items.List", nil, 1), "items.List", nil, new(int))
	if err == nil || !strings.Contains(err.Error(), "set CPCGEN_CURSOR_KEYS") {
		t.Errorf("no hint about the random key: %v", err)
	}

	k1, k2 := newKey(t), newKey(t)
	t.Setenv("CPCGEN_CURSOR_KEYS", k1+" , "+k2)
	fromEnv, err := runtime.CursorKeysOf(pool)
	if err != nil || fromEnv.Len() != 2 {
		t.Fatalf("CursorKeysOf = %v, %v", fromEnv, err)
	}
	var n int
	if err := mustKeys(t, k1).Unseal(fromEnv.Seal("items.List", nil, 7), "items.List", nil, &n); err != nil || n != 7 {
		t.Errorf("sealed with the first key: %d, %v", n, err)
	}
	cfg, err := runtime.ConfigFromEnv()
	if err != nil || cfg.CursorKeys.Len() != 2 {
		t.Fatalf("ConfigFromEnv: %v, %v", cfg.CursorKeys, err)
	}
	texts := formattingTexts(cfg)
	texts["keys %v"] = fmt.Sprintf("%v %+v %#v %s %x", cfg.CursorKeys, cfg.CursorKeys, cfg.CursorKeys, cfg.CursorKeys, cfg.CursorKeys)
	data, _ := json.Marshal(struct{ K *runtime.CursorKeys }{cfg.CursorKeys})
	texts["keys json"] = string(data)
	if !strings.Contains(cfg.String(), "CursorKeys: 2 keys") {
		t.Errorf("String: %s", cfg)
	}
	for _, key := range []string{k1, k2} {
		raw, _ := base64.StdEncoding.DecodeString(key)
		if where, shown := leak(key, texts); where != "" {
			t.Errorf("a key shows (%q) in %s", shown, where)
		}
		if where, shown := leak(string(raw), texts); where != "" {
			t.Errorf("a key shows (%q) in %s", shown, where)
		}
	}

	for value, want := range map[string]string{
		k1 + ",":                   "key 2 of 2 is empty",
		"short":                    "key 1 of 1 is not base64",
		k1 + "," + "c2hvcnQ=":      "key 2 of 2 is 5 bytes; a key is 32 to 1024 random bytes (make one with: openssl rand -base64 32)",
		"bm90LWEta2V5LSoqKioqKio=": "key 1 of 1 is 17 bytes",
	} {
		t.Setenv("CPCGEN_CURSOR_KEYS", value)
		_, err := runtime.CursorKeysOf(pool)
		var de *runtime.DbError
		if !errors.As(err, &de) || de.Kind != runtime.KindValidation || !strings.Contains(err.Error(), "CPCGEN_CURSOR_KEYS: "+want) {
			t.Errorf("%q: %v", value, err)
		}
		_, err = runtime.ConfigFromEnv()
		if err == nil || !strings.Contains(err.Error(), "runtime: config: CPCGEN_CURSOR_KEYS: "+want) {
			t.Errorf("ConfigFromEnv %q: %v", value, err)
		}
		for _, part := range strings.Split(value, ",") {
			if len(part) >= 4 && strings.Contains(err.Error(), part) {
				t.Errorf("the error shows the key: %v", err)
			}
		}
	}
	t.Setenv("CPCGEN_CURSOR_KEYS", "")
	t.Setenv("CPCGEN_MAX_PAGE_SIZE", "0")
	if _, err := runtime.ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "CPCGEN_MAX_PAGE_SIZE: must be an integer from 1 to 2147483646") {
		t.Errorf("CPCGEN_MAX_PAGE_SIZE=0: %v", err)
	}
	t.Setenv("CPCGEN_MAX_PAGE_SIZE", "250")
	if cfg, err := runtime.ConfigFromEnv(); err != nil || cfg.MaxPageSize != 250 || !strings.Contains(cfg.String(), "MaxPageSize: 250") {
		t.Errorf("CPCGEN_MAX_PAGE_SIZE=250: %v, %v", cfg, err)
	}
	if err := (runtime.Config{URL: "postgres://localhost/app", MaxPageSize: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "MaxPageSize (CPCGEN_MAX_PAGE_SIZE) must be from 1 to 2147483646, or 0 for the default (1000), got -1") {
		t.Errorf("MaxPageSize -1: %v", err)
	}
}

// cursorMood is a named string type, like a generated enum.
type cursorMood string

// TestCursorValues round-trips the values a sort key can hold through a
// sealed cursor, including those JSON has no room for: NaN and the
// infinities, years past 9999 or before 1.
func TestCursorValues(t *testing.T) {
	when := time.Date(12345, 6, 7, 8, 9, 10, 123456789, time.UTC)
	early := time.Date(-44, 3, 15, 0, 0, 0, 0, time.UTC)
	ptrTime := &when
	var nilTime *time.Time
	id := uuid.New()
	dec := decimal.RequireFromString("-12345678901234567890.123456789")
	values := []any{math.NaN(), math.Inf(1), math.Inf(-1), float32(1.5), when, early, ptrTime, nilTime, id, dec, "text", int64(-7), true, []byte{0, 1, 2}, cursorMood("happy")}
	keys := mustKeys(t, newKey(t))
	for name, cursor := range map[string]string{"sealed": keys.Seal("t.List", nil, values...)} {
		var (
			nan, pinf, ninf float64
			f32             float32
			w, e            time.Time
			pw, pn          *time.Time
			gotID           uuid.UUID
			gotDec          decimal.Decimal
			s               string
			i               int64
			bo              bool
			by              []byte
			m               cursorMood
		)
		dest := []any{&nan, &pinf, &ninf, &f32, &w, &e, &pw, &pn, &gotID, &gotDec, &s, &i, &bo, &by, &m}
		if err := keys.Unseal(cursor, "t.List", nil, dest...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !math.IsNaN(nan) || !math.IsInf(pinf, 1) || !math.IsInf(ninf, -1) || f32 != 1.5 || !w.Equal(when) || !e.Equal(early) ||
			pw == nil || !pw.Equal(when) || pn != nil || gotID != id || !gotDec.Equal(dec) || s != "text" || i != -7 || !bo ||
			string(by) != "\x00\x01\x02" || m != "happy" {
			t.Errorf("%s: got %v %v %v %v %v %v %v %v %v %v %v %v %v %v %v", name, nan, pinf, ninf, f32, w, e, pw, pn, gotID, gotDec, s, i, bo, by, m)
		}
	}
	// A cursor of an older runtime wrote times as RFC 3339.
	var w time.Time
	if err := runtime.DecodeCursorValues([]byte(`["2024-05-06T07:08:09.123456Z"]`), &w); err != nil || !w.Equal(time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)) {
		t.Errorf("RFC 3339 cursor: %v, %v", w, err)
	}
}

// TestCursorDecimals round-trips the decimals a numeric key can hold at
// its ends, whose digits written out would make a cursor longer than
// MaxCursorLength or a decimal of more than MaxDecimalDigits digits: the
// cursor keeps their significant digits and exponent.
func TestCursorDecimals(t *testing.T) {
	keys := mustKeys(t, newKey(t))
	tiny := decimal.New(1, -16383)
	huge := decimal.New(9, 131000)
	for _, want := range []decimal.Decimal{tiny, huge, huge.Neg(), decimal.RequireFromString("1.50"), decimal.Zero, decimal.RequireFromString("-0.000000000000000000000000000001")} {
		for _, v := range []any{want, &want} {
			cursor := keys.Seal("t.List", nil, v)
			if len(cursor) > 200 {
				t.Errorf("%s: cursor of %d bytes", want.String()[:min(20, len(want.String()))], len(cursor))
			}
			var got decimal.Decimal
			if err := keys.Unseal(cursor, "t.List", nil, &got); err != nil || !got.Equal(want) {
				t.Errorf("%s: got %s, %v", want.String()[:min(20, len(want.String()))], got.String()[:min(20, len(got.String()))], err)
			}
		}
	}
	// A cursor of an older runtime wrote every digit.
	var d decimal.Decimal
	if err := runtime.DecodeCursorValues([]byte(`["-12.50"]`), &d); err != nil || !d.Equal(decimal.RequireFromString("-12.5")) {
		t.Errorf("plain decimal cursor: %v, %v", d, err)
	}
}

// plainCursor is what a forger without the key can make: base64 of the
// JSON array the sealed payload holds.
func plainCursor(values string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(values))
}

// TestCursorValueBounds checks that a cursor's values are bounded before
// they are parsed and that their errors quote nothing of them.
func TestCursorValueBounds(t *testing.T) {
	var d decimal.Decimal
	err := runtime.DecodeCursorValues([]byte(`["`+strings.Repeat("7", 8000)+`"]`), &d)
	if !errors.Is(err, runtime.ErrBadCursor) || !strings.Contains(err.Error(), "value 1 is not a valid decimal.Decimal") {
		t.Errorf("long decimal: %v", err)
	}
	tooLong := strings.Repeat("A", runtime.MaxCursorLength+1)
	if err := mustKeys(t, newKey(t)).Unseal(tooLong, "t.List", nil, &d); !errors.Is(err, runtime.ErrBadCursor) || strings.Contains(err.Error(), "AAAA") {
		t.Errorf("long cursor: %v", err)
	}
	var tm time.Time
	var id uuid.UUID
	for _, dest := range []any{&d, &tm, &id, new(int64)} {
		if err := runtime.DecodeCursorValues([]byte(`["secret-looking-value"]`), dest); err == nil || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "looking") {
			t.Errorf("%T: %v", dest, err)
		}
	}
}

// TestNaNKeyset pages through a double precision sort key holding NaN
// and the infinities on the server: every row comes back once, no
// cursor panics.
func TestNaNKeyset(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, "CREATE TABLE scores (id int PRIMARY KEY, score float8 NOT NULL)",
		"INSERT INTO scores VALUES (1, 'NaN'), (2, 'Infinity'), (3, '-Infinity'), (4, 0), (5, 'NaN'), (6, 1.5)")
	const op = "scores.List"
	var seen []int
	page := runtime.PageArgs{Limit: 1}
	for range 10 {
		pager, err := runtime.Paginate(db, page, op, "scores", nil)
		if err != nil {
			t.Fatal(err)
		}
		var rows pgx.Rows
		if page.After == "" {
			rows, err = db.Query(ctx, "SELECT id, score FROM scores ORDER BY score, id LIMIT $1", pager.Size+1)
		} else {
			var score float64
			var id int
			if err := pager.Decode(page.After, &score, &id); err != nil {
				t.Fatal(err)
			}
			rows, err = db.Query(ctx, "SELECT id, score FROM scores WHERE (score, id) > ($1, $2) ORDER BY score, id LIMIT $3", score, id, pager.Size+1)
		}
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			id    int
			score float64
		}
		items, err := runtime.Collect(rows, nil, pager.Size+1, func(v *row, d []any) []any { return append(d, &v.id, &v.score) })
		if err != nil {
			t.Fatal(err)
		}
		p := runtime.NewPage(items, pager.Size, func(v *row) string { return pager.Cursor(v.score, v.id) })
		for _, it := range p.Items {
			seen = append(seen, it.id)
		}
		if p.Next == "" {
			break
		}
		page.After = p.Next
	}
	if fmt.Sprint(seen) != "[3 4 6 2 1 5]" {
		t.Errorf("rows %v", seen)
	}
}
