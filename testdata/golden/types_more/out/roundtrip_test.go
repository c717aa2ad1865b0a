package moretypesdb

import (
	"context"
	"errors"
	"math"
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// cmpOpts compare the values PostgreSQL gives back with the ones sent:
// a lexeme without positions may come back with nil or empty ones;
// decimals and times compare by value.
var cmpOpts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

func mac(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func str(v string) *string { return &v }

// tsv builds a tsvector of lexemes, each "word" or "word:position
// weight…" the way the tests spell them; lexemes are given sorted and
// distinct, as PostgreSQL keeps them, so that they read back equal.
func tsv(lexemes ...pgtype.TSVectorLexeme) pgtype.TSVector {
	return pgtype.TSVector{Lexemes: lexemes, Valid: true}
}

func lex(word string, positions ...pgtype.TSVectorPosition) pgtype.TSVectorLexeme {
	return pgtype.TSVectorLexeme{Word: word, Positions: positions}
}

func pos(p uint16, w pgtype.TSVectorWeight) pgtype.TSVectorPosition {
	return pgtype.TSVectorPosition{Position: p, Weight: w}
}

// bigDoc is a tsvector with the edges of the type: quotes, a backslash,
// a space and non-ASCII text inside words, positions at both ends of
// their range, every weight.
var bigDoc = tsv(
	lex(" spaced "),
	lex(`back\slash`, pos(1, pgtype.TSVectorWeightA)),
	lex("fat", pos(2, pgtype.TSVectorWeightB), pos(16383, pgtype.TSVectorWeightD)),
	lex("it's", pos(3, pgtype.TSVectorWeightC)),
	lex("été世"),
)

// edgeRows are new rows holding edge values of every column type; label
// makes their unique labels distinct between the tests' batches.
func edgeRows(label string) []NewGadget {
	return []NewGadget{
		{
			Label:     runtime.Set(label + " O'Reilly \"quoted\" \\ \u00e9\u4e16\U0001F600 "),
			Alias:     runtime.NullOf(""),
			Aliases:   []string{"a,b", "{braces}", `"q"`, "", "NULL", " padded "},
			Mac:       runtime.Set(mac("00:00:00:00:00:00")),
			BackupMac: mac("ff:ff:ff:ff:ff:ff"),
			Macs:      []net.HardwareAddr{mac("01:23:45:67:89:ab"), mac("ff:ff:ff:ff:ff:ff")},
			Words:     runtime.Set(bigDoc),
			MoreWords: &pgtype.TSVector{Valid: true},
			WordLists: []pgtype.TSVector{bigDoc, tsv(lex("a"))},
			SeatSets:  []pgtype.Range[int32]{rng[int32](1, inc, 5, exc), empty[int32](), unbounded[int32]()},
			Periods:   []pgtype.Range[time.Time]{rng(jan1, inc, jan1.Add(time.Hour), exc)},
		},
		{
			Label: runtime.Set(label + " plain"),
			// NULL everywhere it is allowed, defaults where there are; an
			// empty array is not NULL.
			Aliases:   []string{},
			Macs:      []net.HardwareAddr{},
			WordLists: []pgtype.TSVector{},
			SeatSets:  []pgtype.Range[int32]{},
		},
	}
}

// wantRow is the row PostgreSQL gives back for n, created with id.
func wantRow(id int64, n NewGadget) Gadget {
	g := Gadget{ID: id, Label: n.Label.Value, Alias: n.Alias, Aliases: n.Aliases, Mac: n.Mac.Value, BackupMac: n.BackupMac, Macs: n.Macs,
		Words: n.Words.Value, MoreWords: n.MoreWords, WordLists: n.WordLists, SeatSets: n.SeatSets, Periods: n.Periods}
	if !n.Mac.Set {
		g.Mac = mac("08:00:2b:00:00:01")
	}
	if !n.Words.Set {
		g.Words = pgtype.TSVector{Valid: true}
	}
	return g
}

// flatRows are edge values for the table without arrays.
func flatRows(label string) []NewFlatGadget {
	return []NewFlatGadget{
		{Label: label + " \u00e9", Alias: runtime.NullOf("\\"), Mac: mac("ff:ff:ff:ff:ff:ff"), BackupMac: mac("00:00:00:00:00:00"),
			Words: bigDoc, MoreWords: &pgtype.TSVector{Valid: true}},
		{Label: label, Mac: mac("08:00:2b:01:02:03"), Words: tsv()},
	}
}

func wantFlat(id int64, n NewFlatGadget) FlatGadget {
	return FlatGadget{ID: id, Label: n.Label, Alias: n.Alias, Mac: n.Mac, BackupMac: n.BackupMac, Words: n.Words, MoreWords: n.MoreWords}
}

// Range helpers: bounds of every kind, in PostgreSQL's canonical form
// unless a test says otherwise.
const (
	inc = pgtype.Inclusive
	exc = pgtype.Exclusive
)

func rng[T any](lower T, lt pgtype.BoundType, upper T, ut pgtype.BoundType) pgtype.Range[T] {
	return pgtype.Range[T]{Lower: lower, LowerType: lt, Upper: upper, UpperType: ut, Valid: true}
}

func empty[T any]() pgtype.Range[T] {
	return pgtype.Range[T]{LowerType: pgtype.Empty, UpperType: pgtype.Empty, Valid: true}
}

func unbounded[T any]() pgtype.Range[T] {
	return pgtype.Range[T]{LowerType: pgtype.Unbounded, UpperType: pgtype.Unbounded, Valid: true}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var jan1 = day(2024, 1, 1)

// bookingCase is a new booking and the row PostgreSQL makes of it:
// discrete ranges (int4range, int8range, daterange) come back as
// [lower,upper), defaults apply.
type bookingCase struct {
	n    NewBooking
	want Booking
}

func bookingCases() []bookingCase {
	ids := rng[int64](math.MinInt64, exc, math.MaxInt64, exc)
	nepal := time.FixedZone("UTC+5:45", 5*3600+45*60)
	start := time.Date(2024, 2, 29, 23, 59, 59, 999999000, nepal)
	wall := rng(time.Date(2024, 1, 1, 10, 0, 0, 123456000, time.UTC), inc, time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC), exc)
	prices := rng(decimal.RequireFromString("-99999999999999999999.999999999999999999"), inc,
		decimal.RequireFromString("0.000000000000000000000000000001"), inc)
	return []bookingCase{{
		n: NewBooking{
			Seats: runtime.Set(rng[int32](math.MinInt32, inc, math.MaxInt32, exc)), IDs: &ids, Prices: prices,
			Days: runtime.Set(rng(day(2024, 2, 29), inc, day(2024, 3, 1), inc)), Wall: &wall,
			During: rng(start, inc, time.Time{}, pgtype.Unbounded),
		},
		want: Booking{
			Seats: rng[int32](math.MinInt32, inc, math.MaxInt32, exc), IDs: ptr(rng[int64](math.MinInt64+1, inc, math.MaxInt64, exc)),
			Prices: prices, Days: rng(day(2024, 2, 29), inc, day(2024, 3, 2), exc), Wall: &wall,
			During: rng(start, inc, time.Time{}, pgtype.Unbounded),
		},
	}, {
		n: NewBooking{Prices: empty[decimal.Decimal](), During: empty[time.Time](), Wall: ptr(unbounded[time.Time]())},
		want: Booking{
			Seats: rng[int32](1, inc, 11, exc), Prices: empty[decimal.Decimal](), Days: rng(jan1, inc, day(2024, 2, 1), exc),
			Wall: ptr(unbounded[time.Time]()), During: empty[time.Time](),
		},
	}, {
		n: NewBooking{Seats: runtime.Set(rng[int32](0, exc, 10, inc)), Prices: unbounded[decimal.Decimal](), During: unbounded[time.Time]()},
		want: Booking{
			Seats: rng[int32](1, inc, 11, exc), Prices: unbounded[decimal.Decimal](), Days: rng(jan1, inc, day(2024, 2, 1), exc),
			During: unbounded[time.Time](),
		},
	}}
}

func ptr[T any](v T) *T { return &v }

func TestRoundTripCreateFind(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	for i, n := range edgeRows("create") {
		created, err := store.Gadgets.Create(ctx, n)
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		want := wantRow(created.ID, n)
		if diff := cmp.Diff(want, created, cmpOpts); diff != "" {
			t.Errorf("created row %d (-want +got):\n%s", i, diff)
		}
		found, err := store.Gadgets.FindByID(ctx, created.ID)
		if err != nil {
			t.Fatalf("find %d: %v", i, err)
		}
		if diff := cmp.Diff(want, found, cmpOpts); diff != "" {
			t.Errorf("found row %d (-want +got):\n%s", i, diff)
		}
	}
	for i, n := range flatRows("create") {
		created, err := store.FlatGadgets.Create(ctx, n)
		if err != nil {
			t.Fatalf("create flat %d: %v", i, err)
		}
		if diff := cmp.Diff(wantFlat(created.ID, n), created, cmpOpts); diff != "" {
			t.Errorf("created flat row %d (-want +got):\n%s", i, diff)
		}
	}
	for i, c := range bookingCases() {
		created, err := store.Bookings.Create(ctx, c.n)
		if err != nil {
			t.Fatalf("create booking %d: %v", i, err)
		}
		c.want.ID = created.ID
		if diff := cmp.Diff(c.want, created, cmpOpts); diff != "" {
			t.Errorf("created booking %d (-want +got):\n%s", i, diff)
		}
		found, err := store.Bookings.FindByID(ctx, created.ID)
		if err != nil {
			t.Fatalf("find booking %d: %v", i, err)
		}
		if diff := cmp.Diff(c.want, found, cmpOpts); diff != "" {
			t.Errorf("found booking %d (-want +got):\n%s", i, diff)
		}
	}
	// The defaults apply.
	def, err := store.Gadgets.Create(ctx, NewGadget{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Gadget{ID: def.ID, Label: "Unnamed", Mac: mac("08:00:2b:00:00:01"), Words: pgtype.TSVector{Valid: true}}, def, cmpOpts); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

// TestRoundTripCreateMany sends the edge rows through COPY (CreateMany),
// and through CreateManyReturning: for the table with arrays one Create
// per row in a batch, for the one without INSERT … SELECT FROM unnest,
// which carries every type as an array parameter. pgx encodes them all
// in binary.
func TestRoundTripCreateMany(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	rows := edgeRows("copy")
	n, err := store.Gadgets.CreateMany(ctx, rows)
	if err != nil || n != int64(len(rows)) {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	all, err := store.Gadgets.FindAll(ctx)
	if err != nil || len(all) != len(rows) {
		t.Fatalf("FindAll: %d rows, %v", len(all), err)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	for i, got := range all {
		if diff := cmp.Diff(wantRow(got.ID, rows[i]), got, cmpOpts); diff != "" {
			t.Errorf("copied row %d (-want +got):\n%s", i, diff)
		}
	}
	rows = edgeRows("batch")
	returned, err := store.Gadgets.CreateManyReturning(ctx, rows)
	if err != nil || len(returned) != len(rows) {
		t.Fatalf("CreateManyReturning: %d rows, %v", len(returned), err)
	}
	for i, got := range returned {
		if diff := cmp.Diff(wantRow(got.ID, rows[i]), got, cmpOpts); diff != "" {
			t.Errorf("returned row %d (-want +got):\n%s", i, diff)
		}
	}

	flat := flatRows("copy")
	if n, err := store.FlatGadgets.CreateMany(ctx, flat); err != nil || n != int64(len(flat)) {
		t.Fatalf("flat CreateMany: %d, %v", n, err)
	}
	copied, err := store.FlatGadgets.FindAll(ctx)
	if err != nil || len(copied) != len(flat) {
		t.Fatalf("flat FindAll: %d rows, %v", len(copied), err)
	}
	sort.Slice(copied, func(i, j int) bool { return copied[i].ID < copied[j].ID })
	for i, got := range copied {
		if diff := cmp.Diff(wantFlat(got.ID, flat[i]), got, cmpOpts); diff != "" {
			t.Errorf("copied flat row %d (-want +got):\n%s", i, diff)
		}
	}
	cases := bookingCases()
	var bookings []NewBooking
	for _, c := range cases {
		bookings = append(bookings, c.n)
	}
	if n, err := store.Bookings.CreateMany(ctx, bookings); err != nil || n != int64(len(bookings)) {
		t.Fatalf("bookings CreateMany: %d, %v", n, err)
	}
	copiedBookings, err := store.Bookings.FindAll(ctx)
	if err != nil || len(copiedBookings) != len(cases) {
		t.Fatalf("bookings FindAll: %d rows, %v", len(copiedBookings), err)
	}
	sort.Slice(copiedBookings, func(i, j int) bool { return copiedBookings[i].ID < copiedBookings[j].ID })
	for i, got := range copiedBookings {
		cases[i].want.ID = got.ID
		if diff := cmp.Diff(cases[i].want, got, cmpOpts); diff != "" {
			t.Errorf("copied booking %d (-want +got):\n%s", i, diff)
		}
	}
	unnestedBookings, err := store.Bookings.CreateManyReturning(ctx, bookings)
	if err != nil || len(unnestedBookings) != len(cases) {
		t.Fatalf("bookings CreateManyReturning: %d rows, %v", len(unnestedBookings), err)
	}
	for i, got := range unnestedBookings {
		cases[i].want.ID = got.ID
		if diff := cmp.Diff(cases[i].want, got, cmpOpts); diff != "" {
			t.Errorf("unnested booking %d (-want +got):\n%s", i, diff)
		}
	}

	flat = flatRows("unnest")
	unnested, err := store.FlatGadgets.CreateManyReturning(ctx, flat)
	if err != nil || len(unnested) != len(flat) {
		t.Fatalf("flat CreateManyReturning: %d rows, %v", len(unnested), err)
	}
	for i, got := range unnested {
		if diff := cmp.Diff(wantFlat(got.ID, flat[i]), got, cmpOpts); diff != "" {
			t.Errorf("unnested flat row %d (-want +got):\n%s", i, diff)
		}
	}
}

// TestCitextIgnoresCase checks what citext is for: the unique label and
// the query compare without case, and the value keeps the case written.
func TestCitextIgnoresCase(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	g, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set("Widget")})
	if err != nil {
		t.Fatal(err)
	}
	found, err := store.Gadgets.ByLabel(ctx, "WIDGET")
	if err != nil || found.ID != g.ID || found.Label != "Widget" {
		t.Fatalf("ByLabel(WIDGET) = %+v, %v; want the row labelled Widget", found, err)
	}
	if _, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set("widget")}); !errors.Is(err, ErrGadgetLabelTaken) {
		t.Fatalf("a second widget: %v, want ErrGadgetLabelTaken", err)
	}
	up, err := store.Gadgets.UpsertByLabel(ctx, NewGadget{Label: runtime.Set("wIdGeT"), Alias: runtime.NullOf("w")})
	if err != nil || up.ID != g.ID || !up.Alias.Valid || up.Alias.V != "w" {
		t.Fatalf("upsert by a label of another case: %+v, %v", up, err)
	}
}

// TestMacaddrFilter binds a list of MAC addresses as one macaddr[].
func TestMacaddrFilter(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	var ids []int64
	for i, m := range []string{"00:00:00:00:00:01", "00:00:00:00:00:02", "00:00:00:00:00:03"} {
		g, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set(m), Mac: runtime.Set(mac(m))})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		ids = append(ids, g.ID)
	}
	got, err := store.Gadgets.ByMacs(ctx, []net.HardwareAddr{mac("00:00:00:00:00:03"), mac("00:00:00:00:00:01"), mac("aa:aa:aa:aa:aa:aa")})
	if err != nil || len(got) != 2 || got[0].ID != ids[0] || got[1].ID != ids[2] {
		t.Fatalf("ByMacs = %+v, %v; want rows %d and %d", got, err, ids[0], ids[2])
	}
}

// TestMacaddrLength checks that a MAC address of a length its column
// cannot hold is refused by Validate, naming the field, before any SQL
// (pgx sends a net.HardwareAddr's bytes as they are), and that in a
// filter, which nothing validates, it is an encoding error the server
// reports while the connection stays up, not a connection failure.
func TestMacaddrLength(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	short := net.HardwareAddr{1, 2, 3}
	for name, create := range map[string]func() error{
		"mac":        func() error { _, err := store.Gadgets.Create(ctx, NewGadget{Mac: runtime.Set(short)}); return err },
		"backup_mac": func() error { _, err := store.Gadgets.Create(ctx, NewGadget{BackupMac: short}); return err },
		"macs": func() error {
			_, err := store.Gadgets.Create(ctx, NewGadget{Macs: []net.HardwareAddr{mac("00:00:00:00:00:01"), {}}})
			return err
		},
		"eui": func() error {
			_, err := store.TreeNodes.Create(ctx, NewTreeNode{Path: "Top", Eui: runtime.Set(net.HardwareAddr{1, 2, 3, 4, 5, 6, 7})})
			return err
		},
		"euis": func() error {
			_, err := store.TreeNodes.CreateMany(ctx, []NewTreeNode{{Path: "Top", Euis: []net.HardwareAddr{short}}})
			return err
		},
	} {
		var de *runtime.DbError
		if err := create(); !errors.As(err, &de) || de.Kind != runtime.KindValidation || len(de.Fields) != 1 || (de.Fields[0].Field != name && de.Fields[0].Field != "[0]."+name) {
			t.Errorf("%s of a wrong length: %v, want a validation error of field %s", name, err, name)
		}
	}
	// An unset field's value is never sent, whatever it holds: Validate
	// does not look at it, and UpdateMany's arrays carry NULL for it.
	g, err := store.Gadgets.Create(ctx, NewGadget{BackupMac: mac("00:00:00:00:00:07")})
	if err != nil {
		t.Fatal(err)
	}
	up, err := store.Gadgets.UpdateManyReturning(ctx, []GadgetKeyedUpdate{{ID: g.ID, Changes: GadgetUpdate{
		Label: runtime.Set("kept mac"), BackupMac: runtime.Opt[net.HardwareAddr]{Value: short}}}})
	if err != nil || len(up) != 1 || up[0].Label != "kept mac" || up[0].BackupMac.String() != "00:00:00:00:00:07" {
		t.Fatalf("UpdateManyReturning with an unset field holding a short MAC: %+v, %v", up, err)
	}
	// A macaddr8 of 6 bytes is stored in EUI-64 form.
	n, err := store.TreeNodes.Create(ctx, NewTreeNode{Path: "Top", Eui: runtime.Set(mac("08:00:2b:01:02:03"))})
	if err != nil || n.Eui.String() != "08:00:2b:ff:fe:01:02:03" {
		t.Fatalf("macaddr8 of 6 bytes: %v, %v", n.Eui, err)
	}
	_, err = store.Gadgets.ByMacs(ctx, []net.HardwareAddr{short})
	if runtime.KindOf(err) != runtime.KindEncoding {
		t.Fatalf("a short MAC in a filter: %v (kind %v), want an encoding error", err, runtime.KindOf(err))
	}
	if _, err := store.Gadgets.ByMacs(ctx, []net.HardwareAddr{mac("00:00:00:00:00:01")}); err != nil {
		t.Fatalf("the next query: %v", err)
	}
}

// TestLtreeSyntax checks that a label path ltree's input refuses (which
// PostgreSQL reports as a syntax error, 42601) is the caller's invalid
// input, named by its field, as a data exception is.
func TestLtreeSyntax(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	_, err := store.TreeNodes.Create(ctx, NewTreeNode{Path: "Top.not a label"})
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || len(de.Fields) != 1 || de.Fields[0].Field != "path" {
		t.Fatalf("an invalid ltree: %v, want a validation error of field path", err)
	}
}

// TestInvalidIsNotNull checks that a pgtype value with Valid false,
// which pgx sends as NULL, is refused by Validate for a NOT NULL column,
// naming the field, in Create, Update and UpdateMany alike (an
// UpdateMany that kept the row's value took it for an unset field).
func TestInvalidIsNotNull(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	ok := NewBooking{Prices: empty[decimal.Decimal](), During: empty[time.Time]()}
	b, err := store.Bookings.Create(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, field string, err error) {
		t.Helper()
		var de *runtime.DbError
		if !errors.As(err, &de) || de.Kind != runtime.KindValidation || len(de.Fields) != 1 ||
			(de.Fields[0].Field != field && de.Fields[0].Field != "[0]."+field) || de.Fields[0].Message != runtime.MsgNotNull {
			t.Errorf("%s: %v, want %s: %s", what, err, field, runtime.MsgNotNull)
		}
	}
	n := ok
	n.During = pgtype.Range[time.Time]{}
	_, err = store.Bookings.Create(ctx, n)
	check("Create", "during", err)
	_, err = store.Bookings.Update(ctx, b.ID, BookingUpdate{Days: runtime.Set(pgtype.Range[time.Time]{})})
	check("Update", "days", err)
	_, err = store.Bookings.UpdateMany(ctx, []BookingKeyedUpdate{{ID: b.ID, Changes: BookingUpdate{Prices: runtime.Set(pgtype.Range[decimal.Decimal]{})}}})
	check("UpdateMany", "prices", err)
	_, err = store.JobMasks.Create(ctx, NewJobMask{States: pgtype.Bits{}})
	check("bit", "states", err)
	if got, err := store.Bookings.FindByID(ctx, b.ID); err != nil || !cmp.Equal(got, b) {
		t.Fatalf("the row changed: %+v, %v", got, err)
	}
}

// TestTSVectorSearch checks that a tsvector written from Go is the
// document PostgreSQL searches: to_tsquery matches its lexemes.
func TestTSVectorSearch(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	g, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set("doc"), Words: runtime.Set(bigDoc)})
	if err != nil {
		t.Fatal(err)
	}
	var fat, rat bool
	err = store.DB().QueryRow(ctx, `SELECT words @@ 'fat:B'::tsquery, words @@ 'rat'::tsquery FROM gadgets WHERE id = $1`, g.ID).Scan(&fat, &rat)
	if err != nil || !fat || rat {
		t.Fatalf("fat:B matches %v, rat matches %v (%v); want true, false", fat, rat, err)
	}
}

// TestRangeQueries checks a fixed range value in a filter (written in
// the spec as [2024-01-01,2024-02-01), PostgreSQL's own form) and keyset
// pages ordered by a range, whose cursor carries a pgtype.Range[int32].
func TestRangeQueries(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	seats := []pgtype.Range[int32]{rng[int32](5, inc, 6, exc), empty[int32](), rng[int32](1, inc, 3, exc), unbounded[int32](), rng[int32](1, inc, 3, exc)}
	for i, s := range seats {
		n := NewBooking{Seats: runtime.Set(s), Prices: empty[decimal.Decimal](), During: empty[time.Time]()}
		if i == 0 {
			n.Days = runtime.Set(rng(day(2024, 3, 1), inc, day(2024, 4, 1), exc))
		}
		if _, err := store.Bookings.Create(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	january, err := store.Bookings.InJanuary(ctx)
	if err != nil || len(january) != len(seats)-1 {
		t.Fatalf("InJanuary: %d rows, %v; want %d", len(january), err, len(seats)-1)
	}
	var got []pgtype.Range[int32]
	after := ""
	for pages := 0; pages < 10; pages++ {
		page, err := store.Bookings.BySeats(ctx, runtime.PageArgs{After: after, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Items {
			got = append(got, b.Seats)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	// PostgreSQL orders ranges empty first, then by lower bound (none
	// first), then by upper bound.
	want := []pgtype.Range[int32]{empty[int32](), unbounded[int32](), rng[int32](1, inc, 3, exc), rng[int32](1, inc, 3, exc), rng[int32](5, inc, 6, exc)}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("keyset pages by seats (-want +got):\n%s", diff)
	}
}

// TestTSVectorRefused checks that Validate refuses a tsvector pgx would
// send changed or the server would misread: a NUL in a word ends it in
// the binary form, so that the server reads the rest as positions; pgx
// keeps only the low 14 bits of a position.
func TestTSVectorRefused(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	for _, c := range []struct {
		name, field, msg string
		doc              pgtype.TSVector
	}{
		{"NUL in a word", "words", "lexeme 1 must not contain the NUL character (U+0000)", tsv(lex("a"), lex("b\x00\x00\x01\x00\x05"))},
		{"position 16384", "words", "lexeme 0 must have positions of at most 16383", tsv(lex("a", pos(16384, pgtype.TSVectorWeightA)))},
		{"positions out of order", "words", "lexeme 0 must have ascending positions, each once", tsv(lex("a", pos(5, pgtype.TSVectorWeightA), pos(2, pgtype.TSVectorWeightA)))},
		{"unknown weight", "words", "lexeme 0 must have positions of weight A, B, C or D", tsv(lex("a", pos(5, 'Z')))},
	} {
		_, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set(c.name), Words: runtime.Set(c.doc)})
		var de *runtime.DbError
		if !errors.As(err, &de) || !errors.Is(err, runtime.ErrValidation) || len(de.Fields) != 1 || de.Fields[0].Field != c.field || de.Fields[0].Message != c.msg {
			t.Errorf("%s: %v", c.name, err)
		}
		_, err = store.FlatGadgets.CreateMany(ctx, []NewFlatGadget{{Label: c.name, Mac: mac("00:00:00:00:00:01"), Words: pgtype.TSVector{Valid: true}, MoreWords: &c.doc}})
		if !errors.Is(err, runtime.ErrValidation) {
			t.Errorf("%s: CreateMany: %v", c.name, err)
		}
	}
	_, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set("lists"), WordLists: []pgtype.TSVector{bigDoc, tsv(lex("x\x00"))}})
	if !errors.Is(err, runtime.ErrValidation) || !strings.Contains(err.Error(), "word_lists: element 1 lexeme 0 must not contain the NUL character") {
		t.Errorf("tsvector[]: %v", err)
	}
	// Weight 0 is pgx's D.
	g, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set("weight 0"), Words: runtime.Set(tsv(lex("a", pos(16383, 0))))})
	if err != nil || len(g.Words.Lexemes) != 1 || g.Words.Lexemes[0].Positions[0] != pos(16383, pgtype.TSVectorWeightD) {
		t.Fatalf("weight 0: %+v, %v", g.Words, err)
	}
	if n, err := store.Gadgets.Count(ctx); err != nil || n != 1 {
		t.Fatalf("after the refused writes: %d rows, %v", n, err)
	}
}
