package moretypesdb

import (
	"context"
	"errors"
	"net"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// cmpOpts compare the values PostgreSQL gives back with the ones sent:
// a lexeme without positions may come back with nil or empty ones.
var cmpOpts = cmp.Options{cmpopts.EquateEmpty()}

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
			Alias:     str(""),
			Aliases:   []string{"a,b", "{braces}", `"q"`, "", "NULL", " padded "},
			Mac:       runtime.Set(mac("00:00:00:00:00:00")),
			BackupMac: mac("ff:ff:ff:ff:ff:ff"),
			Macs:      []net.HardwareAddr{mac("01:23:45:67:89:ab"), mac("ff:ff:ff:ff:ff:ff")},
			Words:     runtime.Set(bigDoc),
			MoreWords: &pgtype.TSVector{Valid: true},
			WordLists: []pgtype.TSVector{bigDoc, tsv(lex("a"))},
		},
		{
			Label: runtime.Set(label + " plain"),
			// NULL everywhere it is allowed, defaults where there are; an
			// empty array is not NULL.
			Aliases:   []string{},
			Macs:      []net.HardwareAddr{},
			WordLists: []pgtype.TSVector{},
		},
	}
}

// wantRow is the row PostgreSQL gives back for n, created with id.
func wantRow(id int64, n NewGadget) Gadget {
	g := Gadget{ID: id, Label: n.Label.Value, Alias: n.Alias, Aliases: n.Aliases, Mac: n.Mac.Value, BackupMac: n.BackupMac, Macs: n.Macs,
		Words: n.Words.Value, MoreWords: n.MoreWords, WordLists: n.WordLists}
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
		{Label: label + " \u00e9", Alias: str("\\"), Mac: mac("ff:ff:ff:ff:ff:ff"), BackupMac: mac("00:00:00:00:00:00"),
			Words: bigDoc, MoreWords: &pgtype.TSVector{Valid: true}},
		{Label: label, Mac: mac("08:00:2b:01:02:03"), Words: tsv()},
	}
}

func wantFlat(id int64, n NewFlatGadget) FlatGadget {
	return FlatGadget{ID: id, Label: n.Label, Alias: n.Alias, Mac: n.Mac, BackupMac: n.BackupMac, Words: n.Words, MoreWords: n.MoreWords}
}

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
	up, err := store.Gadgets.UpsertByLabel(ctx, NewGadget{Label: runtime.Set("wIdGeT"), Alias: str("w")})
	if err != nil || up.ID != g.ID || up.Alias == nil || *up.Alias != "w" {
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
