package runtime

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// TestBulkArrayEncoding proves that the arrays of batch statements write
// the bytes pgx's ArrayCodec writes for them, NULLs included, and that
// the runtime's type map encodes them through their own plan.
func TestBulkArrayEncoding(t *testing.T) {
	m := pgtype.NewMap()
	RegisterTypes(m)
	// pgx's codecs: the same map without the wrapping.
	ref := pgtype.NewMap()
	RegisterTypes(ref)
	for _, oid := range bulkArrayOIDs {
		typ, _ := m.TypeForOID(oid)
		c, ok := typ.Codec.(bulkArrayCodec)
		if !ok {
			t.Fatalf("array type %s (%d) is not encoded by the batch codec: %T", typ.Name, oid, typ.Codec)
		}
		ref.RegisterType(&pgtype.Type{Name: typ.Name, OID: oid, Codec: c.ArrayCodec})
	}

	str := func(s string) *string { return &s }
	i64 := func(v int64) *int64 { return &v }
	i32 := func(v int32) *int32 { return &v }
	f64 := func(v float64) *float64 { return &v }
	tm := func(v time.Time) *time.Time { return &v }
	dec := func(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
	id := func(s string) *uuid.UUID { u := uuid.MustParse(s); return &u }
	yes, no := true, false
	cases := []struct {
		name string
		oid  uint32
		arr  any
	}{
		{"uuid", pgtype.UUIDArrayOID, refArray[uuid.UUID]{id("00000000-0000-0000-0000-000000000001"), nil, id("ffffffff-ffff-ffff-ffff-ffffffffffff")}},
		{"uuid no null", pgtype.UUIDArrayOID, refArray[uuid.UUID]{id("6ba7b810-9dad-11d1-80b4-00c04fd430c8")}},
		{"numeric", pgtype.NumericArrayOID, refArray[decimal.Decimal]{dec("0"), dec("-12.5"), nil, dec("123456789012345678.99"), dec("0.0001"), dec("1e20"), dec("-0.00")}},
		{"bool", pgtype.BoolArrayOID, refArray[bool]{&yes, &no, nil}},
		{"text", pgtype.TextArrayOID, textRefs{str("a"), str(""), nil, str("O'Brien \"x\" \\ {,} NULL ☃"), str("\x01\ttab")}},
		{"varchar", pgtype.VarcharArrayOID, textRefs{str("v"), nil}},
		{"bpchar", pgtype.BPCharArrayOID, textRefs{str("EUR"), str("E  ")}},
		{"int8", pgtype.Int8ArrayOID, int64Refs{i64(0), i64(math.MinInt64), nil, i64(math.MaxInt64), i64(-1)}},
		{"int4", pgtype.Int4ArrayOID, int32Refs{i32(math.MinInt32), nil, i32(math.MaxInt32)}},
		{"float8", pgtype.Float8ArrayOID, float64Refs{f64(0), f64(-1.5), nil, f64(math.Inf(1)), f64(math.NaN()), f64(math.SmallestNonzeroFloat64)}},
		{"timestamptz", pgtype.TimestamptzArrayOID, timeRefs{
			tm(time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.UTC)), nil,
			tm(time.Date(1960, 1, 1, 0, 0, 0, 999, time.FixedZone("x", -3*3600))), tm(time.Time{}),
		}},
		{"empty", pgtype.TextArrayOID, textRefs{}},
	}
	for _, c := range cases {
		if _, ok := m.PlanEncode(c.oid, pgtype.BinaryFormatCode, c.arr).(bulkArrayPlan); !ok {
			t.Errorf("%s: not encoded by the batch plan", c.name)
		}
		got, err := m.Encode(c.oid, pgtype.BinaryFormatCode, c.arr, []byte("prefix"))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want, err := ref.Encode(c.oid, pgtype.BinaryFormatCode, c.arr, []byte("prefix"))
		if err != nil {
			t.Fatalf("%s: pgx: %v", c.name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: encoded\n%x\npgx encodes\n%x", c.name, got, want)
		}
	}

	// An array of another element type than its own (an int64 for an
	// int4 column, a time for a date) goes to pgx's codec, which checks
	// and converts.
	for _, c := range []struct {
		oid uint32
		arr any
	}{{pgtype.Int4ArrayOID, int64Refs{i64(1)}}, {pgtype.DateArrayOID, timeRefs{tm(time.Now())}}, {pgtype.TextArrayOID, refArray[uuid.UUID]{id("00000000-0000-0000-0000-000000000001")}}} {
		if _, ok := m.PlanEncode(c.oid, pgtype.BinaryFormatCode, c.arr).(bulkArrayPlan); ok {
			t.Errorf("%T as %d: encoded by the batch plan", c.arr, c.oid)
		}
	}
	if _, err := m.Encode(pgtype.Int4ArrayOID, pgtype.BinaryFormatCode, int64Refs{i64(math.MaxInt64)}, nil); err == nil {
		t.Error("an int64 beyond int4 was encoded into an int4 array")
	}
	// The text format (a text-format parameter) is pgx's.
	if _, ok := m.PlanEncode(pgtype.TextArrayOID, pgtype.TextFormatCode, textRefs{str("a")}).(bulkArrayPlan); ok {
		t.Error("the text format is encoded by the batch plan")
	}
	// A decimal numeric cannot hold fails as with pgx.
	tooFine := decimal.New(1, -20000)
	if _, err := m.Encode(pgtype.NumericArrayOID, pgtype.BinaryFormatCode, refArray[decimal.Decimal]{dec("1"), &tooFine, dec("2")}, nil); err == nil {
		t.Error("a decimal of 20,000 places was encoded")
	}
}
