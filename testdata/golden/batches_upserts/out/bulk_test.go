package bulkdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// hostile is stored and read back through the generated methods.
const hostile = "O'Reilly \"q\" \\ back\\slash; DROP TABLE items; -- $1 @param \u00e9\u4e16\U0001F600 {a,b} NULL"

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

func TestCopyHundredThousandRows(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	const n = 100_000
	rows := make([]NewItem, n)
	for i := range rows {
		rows[i] = NewItem{
			SKU:   fmt.Sprintf("sku-%06d", i),
			Name:  hostile,
			Qty:   runtime.Set(int32(i)),
			Moods: runtime.Set([]Mood{MoodSoSo, MoodItsComplicated}),
			Price: runtime.NullOf(dec("12.34")),
		}
	}
	got, err := s.Items.CreateMany(ctx, rows)
	if err != nil || got != n {
		t.Fatalf("CreateMany = %d, %v", got, err)
	}
	if c, err := s.Items.Count(ctx); err != nil || c != n {
		t.Fatalf("Count = %d, %v", c, err)
	}
	var checked int
	for it, err := range s.Items.Stream(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if it.Name != hostile || !slices.Equal(it.Moods, []Mood{MoodSoSo, MoodItsComplicated}) || !it.Note.Valid || it.Note.V != "none" ||
			it.Mood != MoodHappy || len(it.Tags) != 0 || !it.Price.V.Equal(dec("12.34")) || it.ID == uuid.Nil || it.CreatedAt.IsZero() {
			t.Fatalf("row read back as %+v", it)
		}
		checked++
	}
	if checked != n {
		t.Fatalf("streamed %d rows", checked)
	}
}

func TestCopyGroupsByOptionalFields(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	id := uuid.New()
	rows := []NewItem{
		{SKU: "a", Name: "defaults"},
		{SKU: "b", Name: hostile, ID: runtime.Set(id), Qty: runtime.Set(int32(7)), Note: runtime.SetNull[string](),
			Mood: runtime.Set(MoodSad), Moods: runtime.Set([]Mood{}), Tags: runtime.Set([]string{hostile, ""})},
		{SKU: "c", Name: "note", Note: runtime.SetNullable(hostile)},
		{SKU: "d", Name: "defaults again"},
	}
	n, err := s.Items.CreateMany(ctx, rows)
	if err != nil || n != 4 {
		t.Fatalf("CreateMany = %d, %v", n, err)
	}
	all, err := s.Items.FindAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bySKU := map[string]Item{}
	for _, it := range all {
		bySKU[it.SKU] = it
	}
	a, b, c := bySKU["a"], bySKU["b"], bySKU["c"]
	if a.Qty != 0 || a.Note.V != "none" || a.Mood != MoodHappy || !slices.Equal(a.Moods, []Mood{MoodHappy}) || len(a.Tags) != 0 {
		t.Fatalf("defaults not applied: %+v", a)
	}
	if b.ID != id || b.Name != hostile || b.Qty != 7 || b.Note.Valid || b.Mood != MoodSad || len(b.Moods) != 0 || !slices.Equal(b.Tags, []string{hostile, ""}) {
		t.Fatalf("set fields not kept: %+v", b)
	}
	if c.Note.V != hostile || bySKU["d"].Name != "defaults again" {
		t.Fatalf("row c: %+v", c)
	}
	if n, err := s.Items.CreateMany(ctx, nil); err != nil || n != 0 {
		t.Fatalf("CreateMany(nil) = %d, %v", n, err)
	}
}

func TestCopyIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	// Two groups; the second fails on a duplicate key after the first
	// was copied.
	rows := []NewItem{{SKU: "x", Name: "1"}, {SKU: "y", Name: "2"}, {SKU: "x", Name: "dup", Qty: runtime.Set(int32(1))}}
	if _, err := s.Items.CreateMany(ctx, rows); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	if n, _ := s.Items.Count(ctx); n != 0 {
		t.Fatalf("%d rows left behind", n)
	}
	// One group, no enum arrays: a single COPY, atomic by itself.
	events := []NewEvent{{Name: "ok", Kind: MoodHappy}, {Name: "bad", Kind: Mood("nope")}}
	if _, err := s.Events.CreateMany(ctx, events); err == nil {
		t.Fatal("an invalid enum label was copied")
	}
	if n, _ := s.Events.Count(ctx); n != 0 {
		t.Fatalf("%d events left behind", n)
	}
	// Inside a transaction, a failed CreateMany rolls back to its
	// savepoint and the transaction goes on.
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.Items.Create(ctx, NewItem{SKU: "kept", Name: "k"}); err != nil {
			return err
		}
		if _, err := tx.Items.CreateMany(ctx, rows); !errors.Is(err, runtime.ErrConflict) {
			return fmt.Errorf("want a conflict, got %v", err)
		}
		_, err := tx.Items.CreateMany(ctx, []NewItem{{SKU: "z", Name: "z", Moods: runtime.Set([]Mood{MoodSad})}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Items.Count(ctx); n != 2 {
		t.Fatalf("after the transaction: %d rows, want 2", n)
	}
}

func TestCreateManyReturningInOneStatement(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	at := time.Date(2024, 2, 29, 23, 59, 59, 999999000, time.UTC)
	ref := uuid.New()
	rows := []NewEvent{
		{Name: "defaults", Kind: MoodHappy, Amount: dec("1.10")},
		{Name: hostile, Kind: MoodItsComplicated, Amount: dec("-99.99"), At: runtime.Set(at), Payload: json.RawMessage(`{"q": "` + "it's" + `"}`),
			Ref: runtime.NullOf(ref), Code: runtime.Set("WXYZ"), Label: runtime.SetNull[string]()},
		{Name: "label", Kind: MoodSoSo, Label: runtime.SetNullable("ten chars!")},
	}
	got, err := s.Events.CreateManyReturning(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID >= got[1].ID || got[1].ID >= got[2].ID {
		t.Fatalf("not in input order: %+v", got)
	}
	want := []Event{
		{ID: got[0].ID, Name: "defaults", Kind: MoodHappy, Amount: dec("1.10"), At: got[0].At, Code: "ABCD", Label: runtime.NullOf("x")},
		{ID: got[1].ID, Name: hostile, Kind: MoodItsComplicated, Amount: dec("-99.99"), At: at, Payload: json.RawMessage(`{"q": "it's"}`), Ref: runtime.NullOf(ref), Code: "WXYZ"},
		{ID: got[2].ID, Name: "label", Kind: MoodSoSo, At: got[2].At, Code: "ABCD", Label: runtime.NullOf("ten chars!")},
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Fatalf("CreateManyReturning (-want +got):\n%s", diff)
	}
	if got[0].At.IsZero() {
		t.Fatal("default time not applied")
	}
	// Over-long values fail validation before any SQL, as in Create; the
	// database rejects them too: the statements' casts do not cut them.
	for _, bad := range []NewEvent{{Name: "long", Kind: MoodSad, Label: runtime.SetNullable("eleven chars")}, {Name: "code", Kind: MoodSad, Code: runtime.Set("ABCDE")}} {
		if _, err := s.Events.CreateManyReturning(ctx, []NewEvent{bad}); !errors.Is(err, runtime.ErrValidation) {
			t.Fatalf("%s: %v, want a validation error", bad.Name, err)
		}
		if _, err := s.Events.Create(ctx, bad); !errors.Is(err, runtime.ErrValidation) {
			t.Fatalf("Create %s: %v, want a validation error", bad.Name, err)
		}
		n := bad
		_, err := runtime.QueryOne(ctx, s.DB(), opEventsCreate.SQL, n, argsNewEvent, scanEvent)
		if runtime.KindOf(err) != runtime.KindValidation {
			t.Fatalf("the Create statement itself with %s: %v, want a validation error", bad.Name, err)
		}
	}
	if n, _ := s.Events.Count(ctx); n != 3 {
		t.Fatalf("%d events", n)
	}
	if got, err := s.Events.CreateManyReturning(ctx, nil); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("CreateManyReturning(nil) = %v, %v", got, err)
	}
}

func TestCreateManyReturningBatch(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	rows := []NewItem{
		{SKU: "b", Name: hostile, Tags: runtime.Set([]string{hostile}), Moods: runtime.Set([]Mood{MoodSad, MoodSoSo})},
		{SKU: "a", Name: "plain"},
	}
	got, err := s.Items.CreateManyReturning(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].SKU != "b" || got[1].SKU != "a" || got[0].Name != hostile ||
		!slices.Equal(got[0].Tags, []string{hostile}) || !slices.Equal(got[0].Moods, []Mood{MoodSad, MoodSoSo}) || !slices.Equal(got[1].Moods, []Mood{MoodHappy}) {
		t.Fatalf("CreateManyReturning = %+v", got)
	}
	// The batch is one implicit transaction: a failure keeps nothing.
	if _, err := s.Items.CreateManyReturning(ctx, []NewItem{{SKU: "c", Name: "c"}, {SKU: "a", Name: "dup"}}); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	if n, _ := s.Items.Count(ctx); n != 2 {
		t.Fatalf("%d items, want 2", n)
	}
	// A table with no column to set gets one row per element.
	ticks, err := s.Ticks.CreateManyReturning(ctx, make([]NewTick, 3))
	if err != nil || len(ticks) != 3 || ticks[0].ID == ticks[2].ID {
		t.Fatalf("ticks: %+v, %v", ticks, err)
	}
}

func TestUpsertPaths(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	first, err := s.Items.UpsertBySKU(ctx, NewItem{SKU: "sku-1", Name: hostile, Qty: runtime.Set(int32(5)), Note: runtime.SetNullable(hostile),
		Moods: runtime.Set([]Mood{MoodSad}), Price: runtime.NullOf(dec("1.00"))})
	if err != nil {
		t.Fatal(err)
	}
	if first.Name != hostile || first.Qty != 5 || first.Note.V != hostile || !slices.Equal(first.Moods, []Mood{MoodSad}) {
		t.Fatalf("insert path: %+v", first)
	}
	// The conflict path updates the row in place: same id, set fields
	// changed, unset optional fields kept, updated_at bumped.
	second, err := s.Items.UpsertBySKU(ctx, NewItem{SKU: "sku-1", Name: "renamed", ID: runtime.Set(uuid.New()), Price: runtime.Null[decimal.Decimal]{}})
	if err != nil {
		t.Fatal(err)
	}
	want := first
	want.Name, want.Price, want.UpdatedAt = "renamed", runtime.Null[decimal.Decimal]{}, second.UpdatedAt
	if diff := cmp.Diff(want, second, cmpOpts); diff != "" {
		t.Fatalf("update path (-want +got):\n%s", diff)
	}
	if !second.UpdatedAt.After(first.UpdatedAt) || !second.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("timestamps: created %v→%v, updated %v→%v", first.CreatedAt, second.CreatedAt, first.UpdatedAt, second.UpdatedAt)
	}
	third, err := s.Items.UpsertBySKU(ctx, NewItem{SKU: "sku-1", Name: "n", Note: runtime.SetNull[string](), Qty: runtime.Set(int32(0))})
	if err != nil || third.Note.Valid || third.Qty != 0 {
		t.Fatalf("set to NULL and zero: %+v, %v", third, err)
	}
	if n, _ := s.Items.Count(ctx); n != 1 {
		t.Fatalf("%d items", n)
	}
	// A conflict on another key than the one named is an error.
	if _, err := s.Items.UpsertBySKU(ctx, NewItem{ID: runtime.Set(first.ID), SKU: "other", Name: "x"}); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("conflict on the primary key while upserting by sku: %v", err)
	}
}

func TestUpsertNaturalPartialCompositeAndKeyOnly(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	p, err := s.Products.UpsertBySKU(ctx, NewProduct{SKU: hostile[:32], Code: "c1", Title: hostile, Stock: runtime.Set(int32(3))})
	if err != nil || p.SKU != hostile[:32] || p.Title != hostile {
		t.Fatalf("insert: %+v, %v", p, err)
	}
	p, err = s.Products.UpsertBySKU(ctx, NewProduct{SKU: hostile[:32], Code: "c1", Title: "t2"})
	if err != nil || p.Title != "t2" || p.Stock != 3 {
		t.Fatalf("update: %+v, %v", p, err)
	}
	// The code is unique among active products only.
	if _, err := s.Products.Create(ctx, NewProduct{SKU: "old", Code: "c2", Active: runtime.Set(false), Title: "retired"}); err != nil {
		t.Fatal(err)
	}
	q, err := s.Products.UpsertByCode(ctx, NewProduct{SKU: "new", Code: "c2", Title: "fresh"})
	if err != nil || q.SKU != "new" || !q.Active {
		t.Fatalf("partial key, no active conflict: %+v, %v", q, err)
	}
	q, err = s.Products.UpsertByCode(ctx, NewProduct{SKU: "ignored", Code: "c2", Title: "fresher", Stock: runtime.Set(int32(9))})
	if err != nil || q.SKU != "new" || q.Title != "fresher" || q.Stock != 9 {
		t.Fatalf("partial key, conflict: %+v, %v", q, err)
	}
	if n, _ := s.Products.Count(ctx); n != 3 {
		t.Fatalf("%d products", n)
	}

	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	a, err := s.Slots.UpsertByDayAndRoom(ctx, NewSlot{Day: day, Room: hostile, BookedBy: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Slots.UpsertByDayAndRoom(ctx, NewSlot{Day: day, Room: hostile, BookedBy: "bob"})
	if err != nil || b.ID != a.ID || b.BookedBy != "bob" {
		t.Fatalf("composite key: %+v, %v", b, err)
	}
	// The key is a unique constraint (constraint: true): a second row
	// with it is the key's sentinel, and the catalog holds a constraint.
	if _, err := s.Slots.Create(ctx, NewSlot{Day: day, Room: hostile, BookedBy: "cy"}); !errors.Is(err, ErrSlotDayRoomTaken) {
		t.Fatalf("duplicate composite key: %v", err)
	}
	var kind string
	if err := pgtest.Open(t).QueryRow(ctx, `SELECT contype::text FROM pg_constraint WHERE conname = 'slots_day_room_key'`).Scan(&kind); err != nil || kind != "u" {
		t.Fatalf("slots_day_room_key: %q, %v", kind, err)
	}

	c1, err := s.Counters.UpsertByName(ctx, NewCounter{Name: hostile})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.Counters.UpsertByName(ctx, NewCounter{Name: hostile})
	if err != nil || c1 != c2 {
		t.Fatalf("key-only upsert: %+v %+v %v", c1, c2, err)
	}
}

func TestCreateIfAbsent(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	item, created, err := s.Items.CreateIfAbsentBySKU(ctx, NewItem{SKU: "k", Name: hostile, Moods: runtime.Set([]Mood{MoodSoSo})})
	if err != nil || !created || item.Name != hostile || !slices.Equal(item.Moods, []Mood{MoodSoSo}) {
		t.Fatalf("absent: %+v, %v, %v", item, created, err)
	}
	again, created, err := s.Items.CreateIfAbsentBySKU(ctx, NewItem{SKU: "k", Name: "other", Qty: runtime.Set(int32(3))})
	if err != nil || created {
		t.Fatalf("present: %v, %v", created, err)
	}
	if diff := cmp.Diff(item, again, cmpOpts); diff != "" {
		t.Fatalf("the existing row changed or differs (-first +second):\n%s", diff)
	}
	p, created, err := s.Products.CreateIfAbsentByCode(ctx, NewProduct{SKU: "p1", Code: hostile, Title: "t"})
	if err != nil || !created {
		t.Fatalf("%+v %v %v", p, created, err)
	}
	p2, created, err := s.Products.CreateIfAbsentByCode(ctx, NewProduct{SKU: "p2", Code: hostile, Title: "t2"})
	if err != nil || created || p2.SKU != "p1" {
		t.Fatalf("partial key present: %+v %v %v", p2, created, err)
	}
	if _, _, err := s.Products.CreateIfAbsentByCode(ctx, NewProduct{SKU: "p1", Code: "other", Title: "t"}); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("conflict on another key: %v", err)
	}
}

// TestCreateIfAbsentRace has many connections create the same key at
// once: exactly one creates it, and every caller gets that row.
func TestCreateIfAbsentRace(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	for round := 0; round < 20; round++ {
		sku := fmt.Sprintf("race-%d", round)
		const callers = 8
		var wg sync.WaitGroup
		results := make([]Item, callers)
		createdBy := make([]bool, callers)
		errs := make([]error, callers)
		start := make(chan struct{})
		for i := 0; i < callers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i], createdBy[i], errs[i] = s.Items.CreateIfAbsentBySKU(ctx, NewItem{SKU: sku, Name: fmt.Sprint(i)})
			}()
		}
		close(start)
		wg.Wait()
		winners := 0
		for i := range results {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if createdBy[i] {
				winners++
			}
			if results[i].ID != results[0].ID {
				t.Fatalf("callers got different rows: %v and %v", results[i].ID, results[0].ID)
			}
		}
		if winners != 1 {
			t.Fatalf("%d callers created the row", winners)
		}
	}
}

// TestCopyThroughATransaction runs CreateMany on a pgx.Tx directly.
func TestCopyThroughATransaction(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	err := runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
		s := NewStore(tx)
		n, err := s.Items.CreateMany(ctx, []NewItem{{SKU: "t1", Name: hostile, Moods: runtime.Set([]Mood{MoodItsComplicated})}})
		if err != nil || n != 1 {
			return fmt.Errorf("CreateMany = %d, %v", n, err)
		}
		events, err := s.Events.CreateMany(ctx, []NewEvent{{Name: hostile, Kind: MoodSad, Amount: dec("1")}})
		if err != nil || events != 1 {
			return fmt.Errorf("events: %d, %v", events, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	items, err := NewStore(db).Items.FindAll(ctx)
	if err != nil || len(items) != 1 || items[0].Name != hostile || !slices.Equal(items[0].Moods, []Mood{MoodItsComplicated}) {
		t.Fatalf("after commit: %+v, %v", items, err)
	}
}
