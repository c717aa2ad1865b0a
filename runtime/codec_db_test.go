package runtime_test

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
)

var codecSchema = []string{
	`CREATE TABLE ledger (
		id       uuid PRIMARY KEY,
		amount   numeric(38,18) NOT NULL,
		free     numeric,
		ref      uuid,
		refs     uuid[],
		amounts  numeric[]
	)`,
}

// TestBinaryFormatAndOwnPlans proves that, on a connection of a DB,
// uuid and numeric values travel in binary and go through this package's
// plans rather than pgx's text fallbacks.
func TestBinaryFormatAndOwnPlans(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, codecSchema...)
	id, ref := uuid.New(), uuid.New()
	amount := decimal.RequireFromString("12345678901234567890.123456789012345678")
	if _, err := db.Exec(ctx, "INSERT INTO ledger VALUES ($1, $2, $3, $4, $5, $6)",
		id, amount, &amount, &ref, []uuid.UUID{id, ref}, []decimal.Decimal{amount}); err != nil {
		t.Fatal(err)
	}

	conn, err := db.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	m := conn.Conn().TypeMap()
	for _, tc := range []struct {
		oid    uint32
		value  any
		target any
	}{
		{pgtype.UUIDOID, id, new(uuid.UUID)},
		{pgtype.NumericOID, amount, new(decimal.Decimal)},
		{pgtype.NumericOID, decimal.NullDecimal{}, new(decimal.NullDecimal)},
	} {
		if plan := m.PlanEncode(tc.oid, pgtype.BinaryFormatCode, tc.value); !runtime.IsOwnEncodePlan(plan) {
			t.Errorf("connection encodes %T with %T", tc.value, plan)
		}
		if plan := m.PlanScan(tc.oid, pgtype.BinaryFormatCode, tc.target); !runtime.IsOwnScanPlan(plan) {
			t.Errorf("connection scans %T with %T", tc.target, plan)
		}
		if f := m.FormatCodeForOID(tc.oid); f != pgtype.BinaryFormatCode {
			t.Errorf("parameter format for OID %d = %d, want binary", tc.oid, f)
		}
	}
	// A map without RegisterTypes falls back to sql.Scanner: the contrast
	// shows the check above means something.
	if plan := pgtype.NewMap().PlanScan(pgtype.NumericOID, pgtype.BinaryFormatCode, new(decimal.Decimal)); runtime.IsOwnScanPlan(plan) {
		t.Error("a plain pgx map uses this package's plan")
	}

	// On the wire: parameters encoded by this package's plans, sent in
	// binary, are read by the server as the same values; results asked
	// for in binary decode through the same plans.
	numBytes, err := m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, amount, nil)
	if err != nil {
		t.Fatal(err)
	}
	uuidBytes, err := m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := conn.Conn().PgConn().ExecParams(ctx, "SELECT $1::text, $2::text, $1, $2",
		[][]byte{numBytes, uuidBytes}, []uint32{pgtype.NumericOID, pgtype.UUIDOID},
		[]int16{pgtype.BinaryFormatCode, pgtype.BinaryFormatCode},
		[]int16{pgtype.TextFormatCode, pgtype.TextFormatCode, pgtype.BinaryFormatCode, pgtype.BinaryFormatCode}).Read()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := string(res.Rows[0][0]); got != amount.String() {
		t.Errorf("server reads the binary numeric as %s, want %s", got, amount)
	}
	if got := string(res.Rows[0][1]); got != id.String() {
		t.Errorf("server reads the binary uuid as %s, want %s", got, id)
	}
	var wireAmount decimal.Decimal
	var wireID uuid.UUID
	if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, res.Rows[0][2], &wireAmount); err != nil || !wireAmount.Equal(amount) {
		t.Errorf("binary numeric from the server: %s, %v", wireAmount, err)
	}
	if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, res.Rows[0][3], &wireID); err != nil || wireID != id {
		t.Errorf("binary uuid from the server: %s, %v", wireID, err)
	}

	rows, err := conn.Query(ctx, "SELECT id, amount, free, ref, refs, amounts FROM ledger")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for _, fd := range rows.FieldDescriptions() {
		if fd.Format != pgx.BinaryFormatCode {
			t.Errorf("column %s arrives in format %d, want binary", fd.Name, fd.Format)
		}
	}
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	var (
		gotID, gotRef uuid.UUID
		gotAmount     decimal.Decimal
		gotFree       *decimal.Decimal
		gotRefs       []uuid.UUID
		gotAmounts    []decimal.Decimal
	)
	if err := rows.Scan(&gotID, &gotAmount, &gotFree, &gotRef, &gotRefs, &gotAmounts); err != nil {
		t.Fatal(err)
	}
	if gotID != id || gotRef != ref || !gotAmount.Equal(amount) || gotFree == nil || !gotFree.Equal(amount) ||
		!cmp.Equal(gotRefs, []uuid.UUID{id, ref}) || len(gotAmounts) != 1 || !gotAmounts[0].Equal(amount) {
		t.Errorf("round trip: %s %s %s %v %v %v", gotID, gotRef, gotAmount, gotFree, gotRefs, gotAmounts)
	}
	if gotAmount.String() != amount.String() || gotAmount.Exponent() != -18 {
		t.Errorf("amount = %s (exponent %d), want %s with the column's scale", gotAmount, gotAmount.Exponent(), amount)
	}
}

// TestDecimalPrecision stores values through binary parameters and checks
// the server's own text of them, then reads them back.
func TestDecimalPrecision(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, "CREATE TABLE nums (i int PRIMARY KEY, fixed numeric(38,18), free numeric)")
	cases := []struct {
		in        string
		fixedText string // the server's text of the numeric(38,18) value; "" when out of its range
	}{
		{"0", "0.000000000000000000"},
		{"1.5", "1.500000000000000000"},
		{"-1.5", "-1.500000000000000000"},
		{"99999999999999999999.999999999999999999", "99999999999999999999.999999999999999999"},
		{"-0.000000000000000001", "-0.000000000000000001"},
		{"0.000000000000000000000000000001", "0.000000000000000000"},
		{"123456789012345678901234567890123456789012345678901234567890.5", ""},
		{"1e30", ""},
		{"-7e-40", "0.000000000000000000"},
		{"3.14159265358979323846264338327950288419716939937510", "3.141592653589793238"},
	}
	for i, tc := range cases {
		d := decimal.RequireFromString(tc.in)
		var fixed any = d
		if tc.fixedText == "" {
			fixed = nil
		}
		if _, err := db.Exec(ctx, "INSERT INTO nums VALUES ($1, $2, $3)", i, fixed, d); err != nil {
			t.Fatalf("insert %s: %v", tc.in, err)
		}
		var fixedText, freeText *string
		if err := db.QueryRow(ctx, "SELECT fixed::text, free::text FROM nums WHERE i = $1", i).Scan(&fixedText, &freeText); err != nil {
			t.Fatal(err)
		}
		if want := decimalText(d); freeText == nil || *freeText != want {
			t.Errorf("%s: server has numeric %v, want %s", tc.in, deref(freeText), want)
		}
		if tc.fixedText != "" && (fixedText == nil || *fixedText != tc.fixedText) {
			t.Errorf("%s: server has numeric(38,18) %v, want %s", tc.in, deref(fixedText), tc.fixedText)
		}
		var free decimal.Decimal
		var fixedBack decimal.NullDecimal
		if err := db.QueryRow(ctx, "SELECT free, fixed FROM nums WHERE i = $1", i).Scan(&free, &fixedBack); err != nil {
			t.Fatal(err)
		}
		if !free.Equal(d) {
			t.Errorf("%s: read back %s", tc.in, free)
		}
		if tc.fixedText != "" && (!fixedBack.Valid || !fixedBack.Decimal.Equal(decimal.RequireFromString(tc.fixedText)) || fixedBack.Decimal.Exponent() != -18) {
			t.Errorf("%s: read back numeric(38,18) %+v", tc.in, fixedBack)
		}
	}
	// The same values through the simple protocol use the text plans.
	var got decimal.Decimal
	if err := db.QueryRow(ctx, "SELECT free FROM nums WHERE i = 3", pgx.QueryExecModeSimpleProtocol).Scan(&got); err != nil || !got.Equal(decimal.RequireFromString(cases[3].in)) {
		t.Errorf("simple protocol: %s, %v", got, err)
	}
	if err := db.QueryRow(ctx, "SELECT $1::numeric", pgx.QueryExecModeSimpleProtocol, decimal.RequireFromString("-12.3400")).Scan(&got); err != nil || got.String() != "-12.34" || got.Exponent() != -4 {
		t.Errorf("simple protocol parameter: %s, %v", got, err)
	}
}

// decimalText is PostgreSQL's text for d: plain digits, the scale kept.
func decimalText(d decimal.Decimal) string {
	if d.Exponent() >= 0 {
		return d.StringFixed(0)
	}
	return d.StringFixed(-d.Exponent())
}

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}

func TestNumericSpecialValuesFromServer(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{})
	for _, special := range []string{"NaN", "Infinity", "-Infinity"} {
		var d decimal.Decimal
		err := db.QueryRow(ctx, "SELECT $1::numeric AS amount", special).Scan(&d)
		err = runtime.Wrap(err, "ledger.Find", "ledger")
		de := asDbError(t, err, runtime.ErrEncoding)
		want := "ledger.Find: encoding error: cannot scan column 0 (amount): cannot scan numeric " + special + " into a decimal: decimal.Decimal has no " + special
		if de.Error() != want {
			t.Errorf("Error() =\n%s\nwant\n%s", de.Error(), want)
		}
	}
}

func TestNullsAndPointers(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, codecSchema...)
	id := uuid.New()
	if _, err := db.Exec(ctx, "INSERT INTO ledger (id, amount, free, ref, refs, amounts) VALUES ($1, $2, $3, $4, $5, $6)",
		id, decimal.Zero, (*decimal.Decimal)(nil), (*uuid.UUID)(nil), []uuid.UUID(nil), []*decimal.Decimal{nil}); err != nil {
		t.Fatal(err)
	}
	var nulls []bool
	if err := db.QueryRow(ctx, "SELECT ARRAY[free IS NULL, ref IS NULL, refs IS NULL, amounts[1] IS NULL] FROM ledger").Scan(&nulls); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(nulls, []bool{true, true, true, true}) {
		t.Errorf("IS NULL = %v", nulls)
	}
	var (
		free    *decimal.Decimal = new(decimal.Decimal)
		ref     *uuid.UUID       = new(uuid.UUID)
		nullRef uuid.NullUUID
		nullDec decimal.NullDecimal
		amounts []*decimal.Decimal
	)
	if err := db.QueryRow(ctx, "SELECT free, ref, ref, free, amounts FROM ledger").Scan(&free, &ref, &nullRef, &nullDec, &amounts); err != nil {
		t.Fatal(err)
	}
	if free != nil || ref != nil || nullRef.Valid || nullDec.Valid || len(amounts) != 1 || amounts[0] != nil {
		t.Errorf("NULLs scanned as %v %v %+v %+v %v", free, ref, nullRef, nullDec, amounts)
	}
	var plain uuid.UUID
	err := db.QueryRow(ctx, "SELECT ref FROM ledger").Scan(&plain)
	if !errors.Is(runtime.Wrap(err, "q", ""), runtime.ErrEncoding) || !strings.Contains(err.Error(), "cannot scan NULL into uuid.UUID") {
		t.Errorf("NULL into uuid.UUID: %v", err)
	}
	// Valid Null values are values.
	d := decimal.NewNullDecimal(decimal.RequireFromString("2.50"))
	u := uuid.NullUUID{UUID: id, Valid: true}
	if _, err := db.Exec(ctx, "UPDATE ledger SET free = $1, ref = $2", d, u); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, "SELECT free, ref FROM ledger").Scan(&nullDec, &nullRef); err != nil {
		t.Fatal(err)
	}
	if !nullDec.Valid || nullDec.Decimal.String() != "2.5" || nullDec.Decimal.Exponent() != -2 || nullRef != u {
		t.Errorf("got %+v %+v", nullDec, nullRef)
	}
}

func TestCopyFrom(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, codecSchema...)
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	amount := decimal.RequireFromString("-98765432109876543210.012345678901234567")
	rows := [][]any{
		{ids[0], amount, decimal.RequireFromString("1e-30"), &ids[1], []uuid.UUID{ids[1], ids[2]}, []decimal.Decimal{amount}},
		{ids[1], decimal.Zero, (*decimal.Decimal)(nil), (*uuid.UUID)(nil), nil, nil},
		{ids[2], decimal.NewFromInt(7), decimal.NullDecimal{}, uuid.NullUUID{UUID: ids[0], Valid: true}, []uuid.UUID{}, []decimal.Decimal{}},
	}
	n, err := db.CopyFrom(ctx, pgx.Identifier{"ledger"}, []string{"id", "amount", "free", "ref", "refs", "amounts"}, pgx.CopyFromRows(rows))
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("copied %d rows", n)
	}
	var got []string
	r, _ := db.Query(ctx, "SELECT concat_ws('|', id, amount, coalesce(free::text, 'NULL'), coalesce(ref::text, 'NULL'), coalesce(refs::text, 'NULL'), coalesce(amounts::text, 'NULL')) FROM ledger ORDER BY amount")
	got, err = pgx.CollectRows(r, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		ids[0].String() + "|-98765432109876543210.012345678901234567|0.000000000000000000000000000001|" + ids[1].String() + "|{" + ids[1].String() + "," + ids[2].String() + "}|{-98765432109876543210.012345678901234567}",
		ids[1].String() + "|0.000000000000000000|NULL|NULL|NULL|NULL",
		ids[2].String() + "|7.000000000000000000|NULL|" + ids[0].String() + "|{}|{}",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("copied rows (-want +got):\n%s", diff)
	}
}

// TestUntypedParametersOfColumnTypes sends the Go types of the column
// types pgx has no default PostgreSQL type for — net.HardwareAddr and
// pgtype.Range of int32, int64, decimal.Decimal and time.Time — as
// parameters of unspecified type (the exec and simple statement modes),
// into columns the server infers them for, and reads them back.
func TestUntypedParametersOfColumnTypes(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, `CREATE TABLE kinds (
		i int PRIMARY KEY, mac macaddr, macs macaddr[], seats int4range, ids int8range,
		prices numrange, days daterange, wall tsrange, during tstzrange)`)
	mac, _ := net.ParseMAC("08:00:2b:01:02:03")
	seats := pgtype.Range[int32]{Lower: 1, Upper: 11, LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true}
	ids := pgtype.Range[int64]{Lower: -9, LowerType: pgtype.Inclusive, UpperType: pgtype.Unbounded, Valid: true}
	prices := pgtype.Range[decimal.Decimal]{Lower: decimal.RequireFromString("1.5"), Upper: decimal.RequireFromString("99999999999999999999.000000000000000001"),
		LowerType: pgtype.Exclusive, UpperType: pgtype.Inclusive, Valid: true}
	day := func(d int) time.Time { return time.Date(2024, 2, d, 0, 0, 0, 0, time.UTC) }
	days := pgtype.Range[time.Time]{Lower: day(28), Upper: day(29), LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true}
	wall := pgtype.Range[time.Time]{Lower: day(1).Add(90 * time.Minute), Upper: day(2), LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true}
	during := pgtype.Range[time.Time]{LowerType: pgtype.Empty, UpperType: pgtype.Empty, Valid: true}
	opts := cmp.Options{
		cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
		cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	}
	for i, mode := range []pgx.QueryExecMode{pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
		if _, err := db.Exec(ctx, "INSERT INTO kinds VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", mode,
			i, mac, []net.HardwareAddr{mac, nil}, seats, ids, prices, days, wall, during); err != nil {
			t.Errorf("%v: insert: %v", mode, err)
			continue
		}
		var (
			gotMac           net.HardwareAddr
			gotMacs          []net.HardwareAddr
			gotSeats         pgtype.Range[int32]
			gotIDs           pgtype.Range[int64]
			gotPrices        pgtype.Range[decimal.Decimal]
			gotDays, gotWall pgtype.Range[time.Time]
			gotDuring        pgtype.Range[time.Time]
		)
		if err := db.QueryRow(ctx, "SELECT mac, macs, seats, ids, prices, days, wall, during FROM kinds WHERE i = $1", mode, i).
			Scan(&gotMac, &gotMacs, &gotSeats, &gotIDs, &gotPrices, &gotDays, &gotWall, &gotDuring); err != nil {
			t.Errorf("%v: select: %v", mode, err)
			continue
		}
		got := []any{gotMac, gotMacs, gotSeats, gotIDs, gotPrices, gotDays, gotWall, gotDuring}
		want := []any{mac, []net.HardwareAddr{mac, nil}, seats, ids, prices, days, wall, during}
		if diff := cmp.Diff(want, got, opts); diff != "" {
			t.Errorf("%v: read back (-want +got):\n%s", mode, diff)
		}
	}
}

// TestMultiDimArrayIntoSlice proves that an array of more than one
// dimension does not scan into a slice, which pgx would flatten (so that
// writing the row back would change the value), while arrays of one
// dimension, empty arrays and NULL still do.
func TestMultiDimArrayIntoSlice(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{})
	for _, tc := range []struct {
		sql    string
		target any
	}{
		{"SELECT '{{a,b},{c,d}}'::text[] AS tags", new([]string)},
		{"SELECT '{{{1}},{{2}}}'::int4[] AS tags", new([]int32)},
		{"SELECT '{{1.5,2},{3,4}}'::numeric[] AS tags", new([]decimal.Decimal)},
		{"SELECT ARRAY[ARRAY[gen_random_uuid()]] AS tags", new([]uuid.UUID)},
		{"SELECT '{{1,2}}'::int8[] AS tags", new([]*int64)},
	} {
		err := db.QueryRow(ctx, tc.sql).Scan(tc.target)
		de := asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrEncoding)
		if !strings.Contains(de.Error(), "cannot scan column 0 (tags): cannot scan an array of ") || !strings.HasSuffix(de.Error(), " dimensions into a Go slice, which holds one") {
			t.Errorf("%s: Error() = %s", tc.sql, de.Error())
		}
	}
	// An array whose index starts elsewhere than at 1 would be written
	// back renumbered, a value PostgreSQL does not take as equal.
	for _, tc := range []struct {
		sql    string
		target any
		lower  int
	}{
		{"SELECT '[0:1]={a,b}'::text[] AS tags", new([]string), 0},
		{"SELECT '[-3:-2]={7,8}'::int4[] AS tags", new([]int32), -3},
		{"SELECT '[5:5]={1.5}'::numeric[] AS tags", new([]decimal.Decimal), 5},
		{"SELECT '[2:2]={1}'::int8[] AS tags", new([]*int64), 2},
	} {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
			err := db.QueryRow(ctx, tc.sql, mode).Scan(tc.target)
			de := asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrEncoding)
			if want := fmt.Sprintf("cannot scan column 0 (tags): cannot scan an array starting at index %d into a Go slice, which writes it back starting at 1", tc.lower); !strings.Contains(de.Error(), want) {
				t.Errorf("%s (%v): Error() = %s, want %s", tc.sql, mode, de.Error(), want)
			}
		}
	}
	var tags []string
	for _, tc := range []struct {
		sql  string
		want []string
	}{
		{"SELECT '{a,b}'::text[]", []string{"a", "b"}},
		{"SELECT '[1:2]={a,b}'::text[]", []string{"a", "b"}},
		{"SELECT '{}'::text[]", []string{}},
		{"SELECT NULL::text[]", nil},
	} {
		if err := db.QueryRow(ctx, tc.sql).Scan(&tags); err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		if !cmp.Equal(tags, tc.want) || (tags == nil) != (tc.want == nil) {
			t.Errorf("%s: %#v, want %#v", tc.sql, tags, tc.want)
		}
	}
}

// TestHstoreArrayUntyped writes and reads an hstore[] as the generated
// statements do ($n::text[]::hstore[], h::text[]) on connections that send
// parameters of unspecified type, where pgx finds no PostgreSQL type for a
// []pgtype.Hstore, as well as on the default one.
func TestHstoreArrayUntyped(t *testing.T) {
	ctx := testContext(t)
	v, q := "x", `q"uote=>\`
	want := []pgtype.Hstore{{"a": &v, "n": nil, q: &q}, nil, {}}
	for _, mode := range []runtime.StatementMode{runtime.StatementModePrepared, runtime.StatementModeExec, runtime.StatementModeSimple} {
		db := openDB(t, runtime.Config{StatementMode: mode}, "CREATE EXTENSION IF NOT EXISTS hstore", "CREATE TABLE IF NOT EXISTS hs (i int, h hstore[])")
		for i, in := range [][]pgtype.Hstore{want, nil} {
			if _, err := db.Exec(ctx, "INSERT INTO hs VALUES ($1, $2::text[]::hstore[])", i, in); err != nil {
				t.Fatalf("%v: insert %d: %v", mode, i, err)
			}
			var got []pgtype.Hstore
			if err := db.QueryRow(ctx, "SELECT h::text[] FROM hs WHERE i = $1", i).Scan(&got); err != nil {
				t.Fatalf("%v: select %d: %v", mode, i, err)
			}
			if !cmp.Equal(in, got) || (got == nil) != (in == nil) {
				t.Errorf("%v: read back %#v, want %#v", mode, got, in)
			}
		}
		if _, err := db.Exec(ctx, "DROP TABLE hs"); err != nil {
			t.Fatal(err)
		}
	}
}
