package nullsdb

import (
	"context"
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

func TestAllNulls(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	m, err := s.Maybes.Create(ctx, NewMaybe{})
	if err != nil {
		t.Fatal(err)
	}
	// Only the key and the defaulted hint are set.
	want := Maybe{ID: m.ID, Hint: runtime.NullOf("none")}
	if diff := cmp.Diff(want, m, cmpOpts); diff != "" {
		t.Fatalf("all-NULL row (-want +got):\n%s", diff)
	}
	// A nullable column with a default can still be inserted as NULL.
	m2, err := s.Maybes.Create(ctx, NewMaybe{Hint: runtime.SetNull[string]()})
	if err != nil || m2.Hint.Valid {
		t.Fatalf("explicit NULL over a default: %+v, %v", m2.Hint, err)
	}
}

func TestNullsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	full := NewMaybe{
		Name: runtime.NullOf("n"), Code: runtime.NullOf("12345678"), Active: runtime.NullOf(false), N16: runtime.NullOf(int16(-1)), N32: runtime.NullOf(int32(0)),
		N64: runtime.NullOf(int64(1) << 62), Amount: runtime.NullOf(decimal.RequireFromString("-0.01")), Ratio: runtime.NullOf(0.5),
		Day: runtime.NullOf(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)), At: runtime.NullOf(time.Date(2030, 6, 1, 8, 0, 0, 0, time.UTC)),
		LocalAt: runtime.NullOf(time.Date(2030, 6, 1, 8, 0, 0, 1000, time.UTC)), Doc: json.RawMessage(`null`),
		Blob: []byte{}, Addr: runtime.NullOf(netip.MustParsePrefix("192.0.2.1/32")), Tags: []string{}, Ref: runtime.NullOf(uuid.New()),
		Color: runtime.NullOf(ColorGreen), Colors: []Color{ColorRed, ColorBlue}, Hint: runtime.SetNullable(""),
	}
	m, err := s.Maybes.Create(ctx, full)
	if err != nil {
		t.Fatal(err)
	}
	want := Maybe{ID: m.ID, Name: full.Name, Code: full.Code, Active: full.Active, N16: full.N16, N32: full.N32,
		N64: full.N64, Amount: full.Amount, Ratio: full.Ratio, Day: full.Day, At: full.At, LocalAt: full.LocalAt,
		Doc: full.Doc, Blob: full.Blob, Addr: full.Addr, Tags: full.Tags, Ref: full.Ref, Color: full.Color,
		Colors: full.Colors, Hint: runtime.NullOf("")}
	got, err := s.Maybes.FindByID(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Fatalf("values (-want +got):\n%s", diff)
	}
	// Empty (not NULL) values stay empty: an empty array, bytea and string.
	if got.Tags == nil || got.Blob == nil || got.Hint.V != "" {
		t.Fatalf("empty values read back as NULL: tags=%v blob=%v", got.Tags, got.Blob)
	}

	// Set every column back to NULL in one update.
	null, err := s.Maybes.Update(ctx, m.ID, MaybeUpdate{
		Name: runtime.SetNull[string](), Code: runtime.SetNull[string](), Active: runtime.SetNull[bool](),
		N16: runtime.SetNull[int16](), N32: runtime.SetNull[int32](), N64: runtime.SetNull[int64](),
		Amount: runtime.SetNull[decimal.Decimal](), Ratio: runtime.SetNull[float64](), Day: runtime.SetNull[time.Time](),
		At: runtime.SetNull[time.Time](), LocalAt: runtime.SetNull[time.Time](), Doc: runtime.Set[json.RawMessage](nil),
		Blob: runtime.Set[[]byte](nil), Addr: runtime.SetNull[netip.Prefix](), Tags: runtime.Set[[]string](nil),
		Ref: runtime.SetNull[uuid.UUID](), Color: runtime.SetNull[Color](), Colors: runtime.Set[[]Color](nil),
		Hint: runtime.SetNull[string](),
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Maybe{ID: m.ID}, null, cmpOpts); diff != "" {
		t.Fatalf("after setting NULLs (-want +got):\n%s", diff)
	}
	// A partial update touches only what it sets.
	one, err := s.Maybes.Update(ctx, m.ID, MaybeUpdate{Color: runtime.SetNullable(ColorBlue)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Maybe{ID: m.ID, Color: runtime.NullOf(ColorBlue)}, one, cmpOpts); diff != "" {
		t.Fatalf("after one update (-want +got):\n%s", diff)
	}
}
