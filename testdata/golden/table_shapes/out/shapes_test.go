package shapesdb

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestGeneratedColumns: the database computes total and sku_lower on
// Create, Update, CreateMany and UpdateMany; the row hands them back.
func TestGeneratedColumns(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	l, err := s.OrderLines.Create(ctx, NewOrderLine{SKU: "AB-1", Quantity: 3, UnitPrice: dec("2.50")})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Total.Equal(dec("7.50")) || l.SKULower != runtime.NullOf("ab-1") {
		t.Fatalf("after Create: total %s, sku_lower %v", l.Total, l.SKULower)
	}
	u, err := s.OrderLines.Update(ctx, l.ID, OrderLineUpdate{Quantity: runtime.Set[int32](4), SKU: runtime.Set("CD-2")})
	if err != nil {
		t.Fatal(err)
	}
	if !u.Total.Equal(dec("10.00")) || u.SKULower != runtime.NullOf("cd-2") {
		t.Fatalf("after Update: total %s, sku_lower %v", u.Total, u.SKULower)
	}
	got, err := s.OrderLines.FindByID(ctx, l.ID)
	if err != nil || !got.Total.Equal(dec("10.00")) {
		t.Fatalf("FindByID: %+v, %v", got, err)
	}
	if n, err := s.OrderLines.CreateMany(ctx, []NewOrderLine{{SKU: "X", Quantity: 2, UnitPrice: dec("1.25")}}); err != nil || n != 1 {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	rows, err := s.OrderLines.CreateManyReturning(ctx, []NewOrderLine{{SKU: "Y", Quantity: 5, UnitPrice: dec("0.20")}})
	if err != nil || len(rows) != 1 || !rows[0].Total.Equal(dec("1.00")) {
		t.Fatalf("CreateManyReturning: %+v, %v", rows, err)
	}
	up, err := s.OrderLines.UpdateManyReturning(ctx, []OrderLineKeyedUpdate{{ID: rows[0].ID, Changes: OrderLineUpdate{UnitPrice: runtime.Set(dec("1.00"))}}})
	if err != nil || len(up) != 1 || !up[0].Total.Equal(dec("5.00")) {
		t.Fatalf("UpdateManyReturning: %+v, %v", up, err)
	}
	// The database refuses a written value: no write statement names the
	// column, which this proves by the statements succeeding above, and a
	// hand-written insert that does is refused.
	if _, err := s.db.Exec(ctx, `INSERT INTO order_lines (sku, quantity, unit_price, total) VALUES ('Z', 1, 1, 9)`); err == nil {
		t.Fatal("an insert into the generated column was accepted")
	}
}

// partitionOf returns the partition holding the row of table whose
// where clause matches.
func partitionOf(t *testing.T, db runtime.DBTX, table, where string, args ...any) string {
	t.Helper()
	var name string
	if err := db.QueryRow(context.Background(), "SELECT tableoid::regclass::text FROM "+table+" WHERE "+where, args...).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

var scanned = regexp.MustCompile(`Scan (?:using \w+ )?on (events_\w+)`)

// TestPartitionedTable: the generated repository reads and writes the
// parent table; rows land in the partition their key selects (the
// DEFAULT one past the declared ranges), and FindByID's statement scans
// one partition only.
func TestPartitionedTable(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	jan := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	feb := time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)
	later := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	e1, err := s.Events.Create(ctx, NewEvent{OccurredAt: jan, Kind: "signup"})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Events.CreateMany(ctx, []NewEvent{{OccurredAt: feb, Kind: "login"}, {OccurredAt: later, Kind: "login"}}); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	for at, want := range map[time.Time]string{jan: "events_2026_01", feb: "events_2026_02", later: "events_rest"} {
		if got := partitionOf(t, db, "events", "occurred_at = $1", at); got != want {
			t.Errorf("the row of %s is in %s, want %s", at, got, want)
		}
	}
	got, err := s.Events.FindByID(ctx, e1.ID, jan)
	if err != nil || got.Kind != "signup" || !got.OccurredAt.Equal(jan) {
		t.Fatalf("FindByID: %+v, %v", got, err)
	}
	u, err := s.Events.Update(ctx, e1.ID, jan, EventUpdate{Kind: runtime.Set("signed_up")})
	if err != nil || u.Kind != "signed_up" {
		t.Fatalf("Update: %+v, %v", u, err)
	}
	if n, err := s.Events.Count(ctx); err != nil || n != 3 {
		t.Fatalf("Count: %d, %v", n, err)
	}
	all, err := s.Events.FindAll(ctx)
	if err != nil || len(all) != 3 {
		t.Fatalf("FindAll: %d rows, %v", len(all), err)
	}
	if ok, err := s.Events.Delete(ctx, e1.ID, jan); err != nil || !ok {
		t.Fatalf("Delete: %v, %v", ok, err)
	}
	if _, err := s.Events.FindByID(ctx, e1.ID, jan); err == nil {
		t.Fatal("FindByID found a deleted row")
	}

	// Pruning: the plan of FindByID's own statement scans one partition,
	// for a key in a declared range and for one in the default partition.
	for at, want := range map[time.Time]string{feb: "events_2026_02", later: "events_rest"} {
		rows, err := db.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "+opEventsFindByID.SQL, int64(1), at)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		m := scanned.FindAllStringSubmatch(strings.Join(plan, "\n"), -1)
		if len(m) != 1 || m[0][1] != want {
			t.Errorf("FindByID at %s scans %v, want %s alone:\n%s", at, m, want, strings.Join(plan, "\n"))
		}
	}
}

// TestListAndHashPartitions: list partitions take the rows of their
// values and refuse others (no DEFAULT partition); the modulus rule's
// four hash partitions share the rows.
func TestListAndHashPartitions(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	if _, err := s.Shops.Create(ctx, NewShop{Region: "ca", Code: "TOR", Name: "Toronto"}); err != nil {
		t.Fatal(err)
	}
	if got := partitionOf(t, db, "shops", "code = 'TOR'"); got != "shops_us" {
		t.Errorf("region ca is in %s, want shops_us", got)
	}
	if _, err := s.Shops.Create(ctx, NewShop{Region: "apac", Code: "SYD", Name: "Sydney"}); err == nil {
		t.Error("a region no partition lists was accepted")
	}
	rows := make([]NewSession, 64)
	for i := range rows {
		rows[i] = NewSession{UserID: int64(i)}
	}
	if n, err := s.Sessions.CreateMany(ctx, rows); err != nil || n != 64 {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	var parts int
	if err := db.QueryRow(ctx, "SELECT count(DISTINCT tableoid) FROM sessions").Scan(&parts); err != nil {
		t.Fatal(err)
	}
	if parts < 2 {
		t.Errorf("64 sessions landed in %d hash partition(s)", parts)
	}
}

// TestTableWithoutPrimaryKey: the repository of a table without a
// primary key creates (one row and many), counts, reads and streams
// rows and runs its queries; it has no method by key.
func TestTableWithoutPrimaryKey(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	v, err := s.PageViews.Create(ctx, NewPageView{Path: "/", Referrer: runtime.NullOf("https://example.org")})
	if err != nil {
		t.Fatal(err)
	}
	if v.Path != "/" || v.ViewedAt.IsZero() {
		t.Fatalf("Create: %+v", v)
	}
	rows := []NewPageView{{Path: "/a"}, {Path: "/a"}, {Path: "/b"}}
	if n, err := s.PageViews.CreateMany(ctx, rows); err != nil || n != 3 {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	if got, err := s.PageViews.CreateManyReturning(ctx, rows[:1]); err != nil || len(got) != 1 || got[0].Path != "/a" {
		t.Fatalf("CreateManyReturning: %+v, %v", got, err)
	}
	if n, err := s.PageViews.Count(ctx); err != nil || n != 5 {
		t.Fatalf("Count: %d, %v", n, err)
	}
	all, err := s.PageViews.FindAll(ctx)
	if err != nil || len(all) != 5 {
		t.Fatalf("FindAll: %d rows, %v", len(all), err)
	}
	streamed := 0
	for _, err := range s.PageViews.Stream(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		streamed++
	}
	if streamed != 5 {
		t.Fatalf("Stream yielded %d rows", streamed)
	}
	if got, err := s.PageViews.ForPath(ctx, "/a"); err != nil || len(got) != 3 {
		t.Fatalf("ForPath: %d rows, %v", len(got), err)
	}
	page, err := s.PageViews.ForPathPaged(ctx, "/a", runtime.PageArgs{Limit: 2})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("ForPathPaged: %+v, %v", page, err)
	}
	repo := reflect.TypeOf(s.PageViews)
	for _, m := range []string{"FindByID", "FindByIDs", "List", "Update", "Delete", "UpdateMany", "DeleteMany"} {
		if _, ok := repo.MethodByName(m); ok {
			t.Errorf("PageViewRepo has %s, which needs a primary key", m)
		}
	}
	// A relation from a table with a key to one without.
	l, err := s.OrderLines.Create(ctx, NewOrderLine{SKU: "R", Quantity: 1, UnitPrice: dec("1")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PageViews.Create(ctx, NewPageView{Path: "/r", LineID: runtime.NullOf(l.ID)}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PageViews.ListByLineID(ctx, l.ID); err != nil || len(got) != 1 || got[0].Path != "/r" {
		t.Fatalf("ListByLineID: %+v, %v", got, err)
	}
}

// TestWideTable: a table of 70 columns whose columns with defaults (c2,
// c66, note) reach past the 64th. CreateMany leaves every unset field to
// its column's default and stores every set one, in rows that set them
// differently; Create, Update and FindByID bind more than the runtime's
// in-place argument slots.
func TestWideTable(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	rows := make([]NewWideRow, 6)
	for i := range rows {
		rows[i].C1 = int32(i)
		rows[i].C68 = int32(100 + i)
		if i%2 == 1 {
			rows[i].C66 = runtime.Set(int32(1000 + i))
		}
		if i%3 == 2 {
			rows[i].C2 = runtime.Set(int32(-i))
			rows[i].Note = runtime.Set(runtime.Null[string]{})
		}
	}
	if n, err := s.WideRows.CreateMany(ctx, rows); err != nil || n != int64(len(rows)) {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	all, err := s.WideRows.FindAll(ctx)
	if err != nil || len(all) != len(rows) {
		t.Fatalf("FindAll: %d rows, %v", len(all), err)
	}
	slices.SortFunc(all, func(a, b WideRow) int { return cmp.Compare(a.C1, b.C1) })
	var got []string
	for _, r := range all {
		got = append(got, fmt.Sprint(r.C1, r.C2, r.C66, r.C68, r.Note.Valid && r.Note.V == "none", r.Note.Valid))
	}
	want := []string{"0 7 42 100 true true", "1 7 1001 101 true true", "2 -2 42 102 false false", "3 7 1003 103 true true", "4 7 42 104 true true", "5 -5 1005 105 false false"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stored %q, want %q", got, want)
	}
	v, err := s.WideRows.Create(ctx, NewWideRow{C1: 9, C67: 67})
	if err != nil || v.C2 != 7 || v.C66 != 42 || v.C67 != 67 {
		t.Fatalf("Create: %+v, %v", v, err)
	}
	u, err := s.WideRows.Update(ctx, v.ID, WideRowUpdate{C66: runtime.Set(int32(66)), C68: runtime.Set(int32(68))})
	if err != nil || u.C66 != 66 || u.C68 != 68 || u.C67 != 67 {
		t.Fatalf("Update: %+v, %v", u, err)
	}
	if f, err := s.WideRows.FindByID(ctx, v.ID); err != nil || f != u {
		t.Fatalf("FindByID: %+v, %v; want %+v", f, err, u)
	}
	// note, the 69th column, is nullable: Update sets it to a value, keeps
	// it when unset, and sets it to NULL.
	if u, err = s.WideRows.Update(ctx, v.ID, WideRowUpdate{Note: runtime.Set(runtime.NullOf("n"))}); err != nil || u.Note != runtime.NullOf("n") {
		t.Fatalf("Update note: %+v, %v", u.Note, err)
	}
	if u, err = s.WideRows.Update(ctx, v.ID, WideRowUpdate{C1: runtime.Set(int32(1))}); err != nil || u.Note != runtime.NullOf("n") || u.C1 != 1 {
		t.Fatalf("Update c1: %+v, %v", u, err)
	}
	if u, err = s.WideRows.Update(ctx, v.ID, WideRowUpdate{Note: runtime.Set(runtime.Null[string]{})}); err != nil || u.Note.Valid {
		t.Fatalf("Update note to NULL: %+v, %v", u.Note, err)
	}
	// The batch writes bind one array per column.
	changes := []WideRowKeyedUpdate{
		{ID: all[0].ID, Changes: WideRowUpdate{C66: runtime.Set(int32(-66)), Note: runtime.Set(runtime.NullOf("m"))}},
		{ID: all[1].ID, Changes: WideRowUpdate{C68: runtime.Set(int32(-68)), Note: runtime.Set(runtime.Null[string]{})}},
	}
	got2, err := s.WideRows.UpdateManyReturning(ctx, changes)
	if err != nil || len(got2) != 2 {
		t.Fatalf("UpdateManyReturning: %+v, %v", got2, err)
	}
	if a, b := got2[0], got2[1]; a.C66 != -66 || a.Note != runtime.NullOf("m") || a.C68 != all[0].C68 || b.C68 != -68 || b.Note.Valid || b.C66 != all[1].C66 {
		t.Fatalf("UpdateManyReturning stored %+v and %+v", a, b)
	}
	if ok, err := s.WideRows.DeleteMany(ctx, []int64{all[0].ID, all[1].ID}); err != nil || !reflect.DeepEqual(ok, []bool{true, true}) {
		t.Fatalf("DeleteMany: %v, %v", ok, err)
	}
	if ret, err := s.WideRows.CreateManyReturning(ctx, rows[:3]); err != nil || len(ret) != 3 || ret[0].C66 != 42 || ret[1].C66 != 1001 || ret[2].C2 != -2 || ret[0].Note != runtime.NullOf("none") || ret[2].Note.Valid {
		t.Fatalf("CreateManyReturning: %+v, %v", ret, err)
	}
}
