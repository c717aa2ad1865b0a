package runtime

import (
	"encoding/binary"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

func newMap() *pgtype.Map {
	m := pgtype.NewMap()
	RegisterTypes(m)
	return m
}

// TestPlansAreOurs checks that the Map picks this package's plans, not
// pgx's driver.Valuer/sql.Scanner fallbacks, for every supported shape.
func TestPlansAreOurs(t *testing.T) {
	m := newMap()
	u := uuid.New()
	d := decimal.RequireFromString("1.5")
	encodes := []struct {
		oid   uint32
		value any
	}{
		{pgtype.UUIDOID, u},
		{pgtype.UUIDOID, &u},
		{pgtype.UUIDOID, uuid.NullUUID{UUID: u, Valid: true}},
		{pgtype.UUIDOID, &uuid.NullUUID{}},
		{pgtype.NumericOID, d},
		{pgtype.NumericOID, &d},
		{pgtype.NumericOID, decimal.NullDecimal{Decimal: d, Valid: true}},
		{pgtype.NumericOID, &decimal.NullDecimal{}},
	}
	for _, tc := range encodes {
		for _, format := range []int16{pgtype.BinaryFormatCode, pgtype.TextFormatCode} {
			plan := m.PlanEncode(tc.oid, format, tc.value)
			if !IsOwnEncodePlan(plan) {
				t.Errorf("PlanEncode(%d, %d, %T) = %T, want this package's plan", tc.oid, format, tc.value, plan)
			}
		}
	}
	scans := []struct {
		oid    uint32
		target any
	}{
		{pgtype.UUIDOID, new(uuid.UUID)},
		{pgtype.UUIDOID, new(uuid.NullUUID)},
		{pgtype.NumericOID, new(decimal.Decimal)},
		{pgtype.NumericOID, new(decimal.NullDecimal)},
	}
	for _, tc := range scans {
		for _, format := range []int16{pgtype.BinaryFormatCode, pgtype.TextFormatCode} {
			plan := m.PlanScan(tc.oid, format, tc.target)
			if !IsOwnScanPlan(plan) {
				t.Errorf("PlanScan(%d, %d, %T) = %T, want this package's plan", tc.oid, format, tc.target, plan)
			}
		}
	}
	if got := m.FormatCodeForOID(pgtype.NumericOID); got != pgtype.BinaryFormatCode {
		t.Errorf("numeric format = %d, want binary", got)
	}
	if got := m.FormatCodeForOID(pgtype.UUIDArrayOID); got != pgtype.BinaryFormatCode {
		t.Errorf("uuid[] format = %d, want binary", got)
	}
	for _, v := range []any{u, &u, []uuid.UUID{u}, d, []decimal.Decimal{d}, decimal.NullDecimal{}} {
		if _, ok := m.TypeForValue(v); !ok {
			t.Errorf("TypeForValue(%T) found no type", v)
		}
	}
}

func TestNumericBinaryRoundTrip(t *testing.T) {
	m := newMap()
	cases := []string{
		"0", "0.00", "1", "-1", "1.5", "1.50", "-0.001", "10000", "12345678",
		"123456789012345678", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "99999999999999999999.999999999999999999",
		"0.000000000000000000000000000001", "1000000000000000000000000000000",
		"-123456789012345678901234567890.123456789", "3.14159265358979323846264338327950288",
		"0.1", "0.0001", "0.00010", "100000000", "1e-30", "-5e40", "7e3",
	}
	for _, s := range cases {
		want := decimal.RequireFromString(s)
		buf, err := m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, want, nil)
		if err != nil {
			t.Fatalf("encode %s: %v", s, err)
		}
		// Decode with pgx's own codec: our encoding must be what the server
		// would accept.
		var n pgtype.Numeric
		if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, buf, &n); err != nil {
			t.Fatalf("pgx decode %s: %v", s, err)
		}
		if got := decimal.NewFromBigInt(n.Int, n.Exp); !got.Equal(want) {
			t.Errorf("pgx decodes our %s as %s", s, got)
		}
		var got decimal.Decimal
		if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, buf, &got); err != nil {
			t.Fatalf("decode %s: %v", s, err)
		}
		if !got.Equal(want) {
			t.Errorf("round trip %s = %s", s, got)
		}
		// The display scale survives: 1.50 stays 1.50.
		if want.Exponent() < 0 && got.Exponent() != want.Exponent() {
			t.Errorf("round trip %s: exponent %d, want %d", s, got.Exponent(), want.Exponent())
		}
	}
}

// TestNumericDecodesPgxEncoding decodes what pgx's own codec encodes, as
// a stand-in for what the server sends.
func TestNumericDecodesPgxEncoding(t *testing.T) {
	plain := pgtype.NewMap()
	m := newMap()
	for _, s := range []string{"0", "1.50", "-42.4200", "1e-30", "1e30", "123456789012345678901234567890.5", "0.0000"} {
		want := decimal.RequireFromString(s)
		bi, ok := new(big.Int).SetString(want.Coefficient().String(), 10)
		if !ok {
			t.Fatal(s)
		}
		n := pgtype.Numeric{Int: bi, Exp: want.Exponent(), Valid: true}
		buf, err := plain.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got decimal.Decimal
		if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, buf, &got); err != nil {
			t.Fatalf("decode %s: %v", s, err)
		}
		if !got.Equal(want) {
			t.Errorf("decode %s = %s", s, got)
		}
	}
}

func TestNumericSpecialValues(t *testing.T) {
	m := newMap()
	plain := pgtype.NewMap()
	for _, n := range []pgtype.Numeric{
		{NaN: true, Valid: true},
		{InfinityModifier: pgtype.Infinity, Valid: true},
		{InfinityModifier: pgtype.NegativeInfinity, Valid: true},
	} {
		buf, err := plain.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		var d decimal.Decimal
		err = m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, buf, &d)
		var ce *codecError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "decimal.Decimal has no") {
			t.Errorf("scan %+v: err = %v, want a codec error", n, err)
		}
		var nd decimal.NullDecimal
		if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, buf, &nd); err == nil {
			t.Errorf("scan %+v into NullDecimal: no error", n)
		}
	}
	var d decimal.Decimal
	if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, nil, &d); !errors.Is(err, errNullDecimal) {
		t.Errorf("scan NULL into Decimal: err = %v", err)
	}
	nd := decimal.NewNullDecimal(decimal.NewFromInt(1))
	if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, nil, &nd); err != nil || nd.Valid {
		t.Errorf("scan NULL into NullDecimal = %+v, %v", nd, err)
	}
}

func TestUUIDBinaryRoundTrip(t *testing.T) {
	m := newMap()
	u := uuid.New()
	buf, err := m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, u, nil)
	if err != nil || len(buf) != 16 {
		t.Fatalf("encode = %x, %v", buf, err)
	}
	var got uuid.UUID
	if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, buf, &got); err != nil || got != u {
		t.Fatalf("scan = %s, %v", got, err)
	}
	text, err := m.Encode(pgtype.UUIDOID, pgtype.TextFormatCode, u, nil)
	if err != nil || string(text) != u.String() {
		t.Fatalf("text encode = %q, %v", text, err)
	}
	var nu uuid.NullUUID
	if err := m.Scan(pgtype.UUIDOID, pgtype.TextFormatCode, text, &nu); err != nil || nu.UUID != u || !nu.Valid {
		t.Fatalf("text scan = %+v, %v", nu, err)
	}
	if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, nil, &got); !errors.Is(err, errNullUUID) {
		t.Fatalf("scan NULL into UUID: %v", err)
	}
	var p *uuid.UUID
	if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, nil, &p); err != nil || p != nil {
		t.Fatalf("scan NULL into *UUID = %v, %v", p, err)
	}
	if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, buf, &p); err != nil || p == nil || *p != u {
		t.Fatalf("scan into *UUID = %v, %v", p, err)
	}
	if buf, err := m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, (*uuid.UUID)(nil), nil); err != nil || buf != nil {
		t.Fatalf("encode nil *UUID = %x, %v", buf, err)
	}
}

// TestDecimalEncodeAllocs pins the allocation-free encoding of decimals
// whose coefficient fits in 18 digits.
func TestDecimalEncodeAllocs(t *testing.T) {
	d := decimal.RequireFromString("12345.6789")
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		var err error
		if _, err = appendNumeric(buf[:0], d); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("appendNumeric allocates %v times, want 0", allocs)
	}
}

// TestNumericInputBounds checks that the numeric scan plans refuse input
// longer than any value PostgreSQL can send, before parsing it.
func TestNumericInputBounds(t *testing.T) {
	var d decimal.Decimal
	text := []byte(strings.Repeat("9", maxNumericTextLength+1))
	if err := (decimalTextScanPlan{}).Scan(text, &d); err == nil || !strings.Contains(err.Error(), "longer than any numeric value") {
		t.Errorf("text: %v", err)
	}
	groups := maxNumericGroups + 1
	bin := make([]byte, 8+2*groups)
	bin[0], bin[1] = byte(groups>>8), byte(groups)
	if err := (decimalBinaryScanPlan{}).Scan(bin, &d); err == nil || !strings.Contains(err.Error(), "more than any numeric value has") {
		t.Errorf("binary: %v", err)
	}
	// The most digits PostgreSQL sends before the point still scan, and
	// the most places after it (16383: shopspring/decimal parses 10000).
	big := []byte(strings.Repeat("9", 131072) + "." + strings.Repeat("9", 9999))
	if err := (decimalTextScanPlan{}).Scan(big, &d); err != nil || d.NumDigits() != 131072+9999 {
		t.Errorf("largest text: %v", err)
	}
	for _, c := range []struct {
		text string
		want decimal.Decimal
	}{
		{"0." + strings.Repeat("0", 16382) + "1", decimal.New(1, -16383)},
		{"-0." + strings.Repeat("0", 16382) + "1", decimal.New(-1, -16383)},
		{"12." + strings.Repeat("0", 10000), decimal.New(12, 0)},
	} {
		if err := (decimalTextScanPlan{}).Scan([]byte(c.text), &d); err != nil || !d.Equal(c.want) {
			t.Errorf("text of %d places: %v", len(c.text), err)
		}
	}
	largest := []byte(strings.Repeat("9", 131072) + "." + strings.Repeat("9", 16383))
	if err := (decimalTextScanPlan{}).Scan(largest, &d); err != nil || d.NumDigits() != 131072+16383 || d.Exponent() != -16383 {
		t.Errorf("largest text: %v", err)
	}
	for _, bad := range []string{"1." + strings.Repeat("0", 10000) + "e5", "1." + strings.Repeat("0", 10000) + "-", "x." + strings.Repeat("0", 10000)} {
		if err := (decimalTextScanPlan{}).Scan([]byte(bad), &d); err == nil {
			t.Errorf("%.20s…: no error", bad)
		}
	}
}

// TestArrayDims reads the dimensions of arrays in PostgreSQL's text form
// (the simple protocol's) and binary form, as the slice scan checks
// them.
func TestArrayDims(t *testing.T) {
	bin := func(dims ...uint32) []byte {
		b := make([]byte, 12)
		binary.BigEndian.PutUint32(b, uint32(len(dims)))
		return b
	}
	for _, c := range []struct {
		src  []byte
		want int
	}{
		{nil, 0},
		{[]byte("{}"), 1},
		{[]byte("{a,b}"), 1},
		{[]byte(`{"{a}",b}`), 1},
		{[]byte("{{a,b},{c,d}}"), 2},
		{[]byte("{{{1}},{{2}}}"), 3},
		{[]byte("[0:1]={a,b}"), 1},
		{[]byte("[0:1][1:2]={{a,b},{c,d}}"), 2},
		{bin(), 0},
		{bin(2), 1},
		{bin(2, 2), 2},
	} {
		if got := arrayDims(c.src); got != c.want {
			t.Errorf("arrayDims(%q) = %d, want %d", c.src, got, c.want)
		}
	}
}

// TestArrayLower reads the first index of arrays in PostgreSQL's text
// and binary forms.
func TestArrayLower(t *testing.T) {
	bin := func(dims, lower int32) []byte {
		b := make([]byte, 12, 20)
		binary.BigEndian.PutUint32(b, uint32(dims))
		if dims > 0 {
			b = binary.BigEndian.AppendUint32(b, 2)
			b = binary.BigEndian.AppendUint32(b, uint32(lower))
		}
		return b
	}
	for _, c := range []struct {
		src  []byte
		want int
	}{
		{nil, 1},
		{[]byte("{}"), 1},
		{[]byte("{a,b}"), 1},
		{[]byte("[0:1]={a,b}"), 0},
		{[]byte("[-3:-2]={a,b}"), -3},
		{[]byte("[1:2]={a,b}"), 1},
		{[]byte("[x"), 1},
		{bin(0, 0), 1},
		{bin(1, 1), 1},
		{bin(1, 0), 0},
		{bin(1, -5), -5},
	} {
		if got := arrayLower(c.src); got != c.want {
			t.Errorf("arrayLower(%q) = %d, want %d", c.src, got, c.want)
		}
	}
}
