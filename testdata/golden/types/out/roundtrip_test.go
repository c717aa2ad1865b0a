package typesdb

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// cmpOpts compare decimals and times by value.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

func stressSample() NewSample {
	zone := time.FixedZone("UTC+5:45", 5*3600+45*60)
	return NewSample{
		Name:       "O'Reilly \"quoted\" \\ backslash; DROP TABLE samples; -- $1 @name \u00e9\u4e16\U0001F600",
		Code:       strings.Repeat("\u00fc", 16), // 16 characters, 32 bytes
		Flag:       "\u2713",
		Small:      math.MaxInt16,
		Medium:     math.MinInt32,
		Big:        math.MaxInt64,
		Amount:     decimal.RequireFromString("12345678901234567890.123456789012345678"),
		Ratio:      decimal.RequireFromString("-0.000000000000000000000000000001"),
		Score:      3.25,
		Precise:    math.SmallestNonzeroFloat64,
		BornOn:     time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC),
		Alarm:      pgtype.Time{Microseconds: (23*3600+59*60+59)*1e6 + 999999, Valid: true},
		SeenAt:     time.Date(2024, 2, 29, 12, 34, 56, 789012000, time.UTC),
		HappenedAt: time.Date(2024, 2, 29, 23, 59, 59, 999999000, zone),
		Wait:       pgtype.Interval{Months: 14, Days: 3, Microseconds: 5_000_001, Valid: true},
		RawDoc:     json.RawMessage(`{"b": [1, 2, {"c": null}], "a": "\u00e9"}`),
		Blob:       []byte{0, 1, 2, 0xff, '\'', '\\'},
		Addr:       netip.MustParsePrefix("2001:db8::1/128"),
		Net:        netip.MustParsePrefix("10.0.0.0/8"),
		Counts:     []int32{math.MinInt32, 0, math.MaxInt32},
		IDs:        []uuid.UUID{uuid.New(), uuid.Nil},
		Prices:     []decimal.Decimal{decimal.RequireFromString("99999999.99"), decimal.RequireFromString("-0.01")},
	}
}

func TestRoundTripEveryType(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	n := stressSample()
	n.Tags = runtime.Set([]string{"a,b", "{braces}", `"q"`, "", "NULL"})
	n.Moods = runtime.Set([]Mood{MoodSoSo, MoodItsComplicated})
	n.Doc = runtime.Set(json.RawMessage(`{"k": "v"}`))

	created, err := store.Samples.Create(ctx, n)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.ID == 0 || created.UID == uuid.Nil {
		t.Fatalf("defaults not applied: id=%d uid=%s", created.ID, created.UID)
	}
	if !created.Active || created.Mood != MoodHappy {
		t.Fatalf("defaults: active=%v mood=%q", created.Active, created.Mood)
	}
	want := Sample{
		ID: created.ID, UID: created.UID, Name: n.Name, Code: n.Code, Flag: n.Flag, Active: true,
		Small: n.Small, Medium: n.Medium, Big: n.Big, Amount: n.Amount, Ratio: n.Ratio, Score: n.Score,
		Precise: n.Precise, BornOn: n.BornOn, Alarm: n.Alarm, SeenAt: n.SeenAt, HappenedAt: n.HappenedAt,
		Wait: n.Wait, Doc: json.RawMessage(`{"k": "v"}`), RawDoc: n.RawDoc, Blob: n.Blob, Addr: n.Addr,
		Net: n.Net, Tags: n.Tags.Value, Counts: n.Counts, IDs: n.IDs, Prices: n.Prices, Mood: MoodHappy,
		Moods: n.Moods.Value,
	}
	if diff := cmp.Diff(want, created, cmpOpts); diff != "" {
		t.Fatalf("created row (-want +got):\n%s", diff)
	}
	found, err := store.Samples.FindByID(ctx, created.ID)
	if err != nil {
		t.Fatalf("find: %v", err)
	}
	if diff := cmp.Diff(want, found, cmpOpts); diff != "" {
		t.Fatalf("found row (-want +got):\n%s", diff)
	}

	// Update every column, one statement.
	upd := SampleUpdate{
		Name:    runtime.Set("updated \u00e9"),
		Amount:  runtime.Set(decimal.RequireFromString("-99999999999999999999.999999999999999999")),
		Tags:    runtime.Set([]string{}),
		Mood:    runtime.Set(MoodSad),
		Moods:   runtime.Set([]Mood{}),
		Doc:     runtime.Set(json.RawMessage(`[]`)),
		Active:  runtime.Set(false),
		Counts:  runtime.Set([]int32{}),
		Blob:    runtime.Set([]byte{}),
		SeenAt:  runtime.Set(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)),
		Precise: runtime.Set(math.MaxFloat64),
	}
	updated, err := store.Samples.Update(ctx, created.ID, upd)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	want.Name, want.Amount, want.Tags, want.Mood, want.Moods = upd.Name.Value, upd.Amount.Value, []string{}, MoodSad, []Mood{}
	want.Doc, want.Active, want.Counts, want.Blob = json.RawMessage(`[]`), false, []int32{}, []byte{}
	want.SeenAt, want.Precise = upd.SeenAt.Value, math.MaxFloat64
	if diff := cmp.Diff(want, updated, cmpOpts); diff != "" {
		t.Fatalf("updated row (-want +got):\n%s", diff)
	}
	// An empty update changes nothing.
	same, err := store.Samples.Update(ctx, created.ID, SampleUpdate{})
	if err != nil {
		t.Fatalf("empty update: %v", err)
	}
	if diff := cmp.Diff(updated, same, cmpOpts); diff != "" {
		t.Fatalf("empty update changed the row (-before +after):\n%s", diff)
	}

	page, err := store.Samples.List(ctx, runtime.PageArgs{Limit: 10})
	if err != nil || len(page.Items) != 1 || page.Next != "" {
		t.Fatalf("list: %v, %d items, next %q", err, len(page.Items), page.Next)
	}
	if n, err := store.Samples.Count(ctx); err != nil || n != 1 {
		t.Fatalf("count = %d, %v", n, err)
	}
	ok, err := store.Samples.Delete(ctx, created.ID)
	if err != nil || !ok {
		t.Fatalf("delete: %v, %v", ok, err)
	}
	ok, err = store.Samples.Delete(ctx, created.ID)
	if err != nil || ok {
		t.Fatalf("second delete: %v, %v", ok, err)
	}
	if _, err := store.Samples.FindByID(ctx, created.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("find after delete: %v, want ErrNotFound", err)
	}
	if _, err := store.Samples.Update(ctx, created.ID, upd); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("update after delete: %v, want ErrNotFound", err)
	}
}

func TestLimitsAreEnforcedByTheDatabase(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	n := stressSample()
	n.Code = strings.Repeat("x", 17) // varchar(16)
	// Validate rejects it before any SQL, naming the field.
	_, err := store.Samples.Create(ctx, n)
	var dbErr *runtime.DbError
	if !errors.As(err, &dbErr) || dbErr.Op != "samples.Create" || dbErr.Kind != runtime.KindValidation ||
		len(dbErr.Fields) != 1 || dbErr.Fields[0].Field != "code" {
		t.Fatalf("over-long varchar: %v", err)
	}
	// The database rejects it too when the statement runs without Validate:
	// the parameter's cast does not cut the value.
	_, err = runtime.QueryOne(ctx, store.DB(), opSamplesCreate.SQL, n, argsNewSample, scanSample)
	if runtime.KindOf(err) != runtime.KindValidation {
		t.Fatalf("over-long varchar through the statement: %v", err)
	}
}

func TestListPagesCoverTheTable(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	const rows = 25
	for i := 0; i < rows; i++ {
		if _, err := store.Samples.Create(ctx, stressSample()); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]bool{}
	after := ""
	for pages := 0; ; pages++ {
		page, err := store.Samples.List(ctx, runtime.PageArgs{After: after, Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Items {
			if seen[s.ID] {
				t.Fatalf("row %d returned twice", s.ID)
			}
			seen[s.ID] = true
		}
		if page.Next == "" {
			if pages != 3 {
				t.Fatalf("%d pages, want 4", pages+1)
			}
			break
		}
		after = page.Next
	}
	if len(seen) != rows {
		t.Fatalf("pages covered %d rows, want %d", len(seen), rows)
	}
	if _, err := store.Samples.List(ctx, runtime.PageArgs{After: "not-a-cursor"}); !errors.Is(err, runtime.ErrBadCursor) || !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("bad cursor: %v", err)
	}
	var streamed int
	for s, err := range store.Samples.Stream(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if !seen[s.ID] {
			t.Fatalf("stream returned unknown row %d", s.ID)
		}
		streamed++
	}
	all, err := store.Samples.FindAll(ctx)
	if err != nil || len(all) != rows || streamed != rows {
		t.Fatalf("findall %d, stream %d, want %d (%v)", len(all), streamed, rows, err)
	}
}
