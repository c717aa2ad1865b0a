package pgtypes

import (
	"math"
	"sort"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// Type is one PostgreSQL base type a spec may name, with every fact the
// pipeline needs about it. Arrays of it and nullability are not part of
// the row: they are the same for every type.
type Type struct {
	// Name is the canonical name specs, messages and docs use, and the
	// spelling in SQL casts and DDL: "varchar", "double precision".
	Name string
	// Aliases are the other names PostgreSQL accepts and specs may write:
	// "character varying", "int4".
	Aliases []string
	// Hints are names other languages and databases use for it ("string",
	// "datetime"), which an unknown-type message suggests it for.
	Hints []string

	// Mods are the modifiers it takes; DefaultArgs the modifiers it has
	// when none are written (char means char(1)).
	Mods        Mods
	DefaultArgs []int

	// Literal says how its literals (defaults, fixed filter values) are
	// checked and written as SQL. Example is one such literal as a spec
	// writes it, "" when the type takes none.
	Literal *Literal
	Example string
	// Elem is the element type of a range type, or nil.
	Elem *Type

	// Go is the Go type of a non-null value. NilIsNull is set when nil of
	// that type already stands for NULL (slices, json.RawMessage), so a
	// nullable column keeps the type; NullPtr when a nullable column is a
	// pointer to it (runtime.Null does not scan it in place: a pgtype
	// type with a Scanner interface of its own); otherwise a nullable
	// column is a runtime.Null of it, read without an allocation.
	Go        GoType
	NilIsNull bool
	NullPtr   bool
	// Valid is set when the Go value is a pgtype struct whose Valid
	// field false stands for NULL (pgtype.Time, Interval, Bits, TSVector,
	// Range): Validate refuses it false for a NOT NULL column, as it
	// refuses nil for the NilIsNull types.
	Valid bool
	// TextArray is set for a type pgx has no codec of its arrays for
	// (hstore, whose OIDs are the database's), while it scans and
	// encodes one value as text: generated SQL moves its arrays as
	// text[], as it moves enum arrays.
	TextArray bool
	// MapKey is set when Go values can key a Go map by value, as the
	// relation loaders group rows by their foreign keys.
	MapKey bool
	// KeyFamily names the types PostgreSQL compares across with an
	// equality operator of one operator family: a foreign key may be of
	// one type and the key it references of another of the same family
	// (an integer column referencing a bigint key, as schemas grown over
	// the years have). "" for a type that only matches itself.
	KeyFamily string
	// Codec says how pgx moves values in and out: which codec, which
	// format, what runtime.RegisterTypes adds.
	Codec string
	// Copy is set when CreateMany can send values with COPY FROM (pgx
	// encodes them in COPY's binary format); Unnest when they can travel
	// as an array parameter of INSERT … SELECT FROM unnest.
	Copy   bool
	Unnest bool
	// Compare is the Go function ordering two values of the Go type (a
	// total order whose 0 is PostgreSQL's equality): batch writes sort
	// and match their rows by key with it. The zero GoFunc for a type
	// whose values cannot key a batch write (ranges, tsvector).
	Compare GoFunc
	// Cast is the type a parameter is cast to where PostgreSQL cannot
	// infer it, when that differs from the column's type as written:
	// varchar for varchar(n) and bpchar for char(n), since a cast to
	// varchar(n) would cut an over-long value silently where the column
	// rejects it (varbit for bit(n) and varbit(n), which a cast pads or
	// cuts alike). "" casts to the type as written.
	Cast string

	// Catalog is the type's pg_type.typname, what the server reports for
	// parameters and result columns ("int4", "bpchar"); its array type is
	// "_" + Catalog.
	Catalog string
	// AtlasName is the type's name in PostgreSQL's information schema,
	// which Atlas inspects ("character varying", "timestamp with time
	// zone"); atlas builds the Atlas type from it and the modifiers.
	AtlasName string
	atlas     func(name string, args []int) schema.Type
	// Extension is the extension that provides the type ("citext"): the
	// schema creates it first.
	Extension string

	// Docs describes the type in the types reference (docs/types.md).
	Docs string

	// Text is set for the string types: min_length, max_length,
	// validate, pattern and not_empty rules and the like and ilike
	// filters apply, and vet takes any two of them as equal. Padded is
	// set for char(n), whose values PostgreSQL pads with spaces.
	Text   bool
	Padded bool
	// Int is the range of an integer type (identity columns, integer
	// bounds); FloatBits the size of a floating-point type; Decimal is
	// set for numeric, whose min and max bounds Validate compares as
	// decimal.Decimal values. The min and max rules apply to all three.
	Int       *IntRange
	FloatBits int
	Decimal   bool
	// Check names the runtime function (runtime.CheckText …) that
	// generated Validate methods call on a value of the type, so that
	// what a column of it cannot hold is refused before any SQL, naming
	// the field: what the server would refuse as a data exception, or
	// store changed (numeric rounds extra decimal places away). "" when
	// every Go value fits. CheckArgs says what the call passes after the
	// value. ArrayCheck is the function for a one-dimensional array of
	// the type ("" for none).
	Check      string
	CheckArgs  CheckArgs
	ArrayCheck string
	// Ordered is set when lt, lte, gt, gte and between filters apply.
	// NoEquality is set for a type PostgreSQL has no equality operator
	// for (json): eq, ne and in filters do not apply, and a column of it
	// cannot be unique or a key.
	Ordered    bool
	NoEquality bool
	// Keyset is set when a keyset page can be ordered by the type: the
	// server can sort it, and its Go values survive the JSON of a page
	// cursor (NaN does not).
	Keyset bool
	// Timestamp is set for the types timestamps: and soft_delete: columns
	// may have; Version for those of an optimistic_lock column; Tenant
	// for those of a tenant column (the runtime sets the tenant as text
	// and the policy casts it back).
	Timestamp bool
	Version   bool
	Tenant    bool
	// CacheKey names the runtime.KeyCodec of the type's Go values
	// ("UUIDKeys") when a cached table's primary key, tenant or cached
	// unique key may be of the type: two values are equal in PostgreSQL
	// exactly when their Go values and texts are, and a cached FindByIDs
	// sorts them in Go as PostgreSQL does (text by COLLATE "C"). "" for
	// the other types (citext compares without case, char(n) pads).
	CacheKey string
	// SQLNamed is set for the row SQLNamed makes of a type a spec names
	// by its SQL: its values travel as their text, so a select list
	// casts the column to text and a parameter is text cast to the type.
	SQLNamed bool

	// succ returns the value after a canonical literal (integers, dates:
	// the element types of discrete ranges); order compares two
	// canonical literals, ok false when it cannot tell.
	succ  func(t *Type, lit string) (string, error)
	order func(a, b string) (c int, ok bool)
}

// CheckArgs says what a type's Check is called with after the value.
type CheckArgs int

// The arguments of the checks.
const (
	// CheckValue passes the value alone.
	CheckValue CheckArgs = iota
	// CheckPrecisionScale passes the precision and scale of numeric(p,s)
	// (numeric without them holds any value: no check).
	CheckPrecisionScale
	// CheckBits passes the size of an integer type in bits; the check is
	// made only when the Go type is wider than the column's (a go_type:
	// of int or uint64 on an integer column): the type's own Go type
	// always fits.
	CheckBits
	// CheckLength passes the length n of bit(n) and bit varying(n), 0
	// for bit varying without it, which holds any length.
	CheckLength
)

// Bits is the size of an integer type in bits: 16, 32 or 64.
func (r *IntRange) Bits() int {
	switch {
	case r.Max <= math.MaxInt16:
		return 16
	case r.Max <= math.MaxInt32:
		return 32
	}
	return 64
}

// IntRange is the range of values of an integer type.
type IntRange struct{ Min, Max int64 }

// GoType is the Go type of a column's values: Name of the package at
// Path ("" for predeclared types), instantiated with ArgName of the
// package at ArgPath when it is generic (pgtype.Range[int32]).
type GoType struct {
	Path, Name       string
	ArgPath, ArgName string
}

// GoFunc names a Go function: Name of the package at Path.
type GoFunc struct{ Path, Name string }

// The Compare functions of the rows.
var (
	cmpCompare     = GoFunc{Path: "cmp", Name: "Compare"}
	bytesCompare   = GoFunc{Path: "bytes", Name: "Compare"}
	runtimeCompare = func(name string) GoFunc { return GoFunc{Path: PathRuntime, Name: "Compare" + name} }
)

// The import paths of the Go types in All.
const (
	PathRuntime = "github.com/cpcgen/cpcgen/runtime"
	PathUUID    = "github.com/google/uuid"
	PathDecimal = "github.com/shopspring/decimal"
	PathPgtype  = "github.com/jackc/pgx/v5/pgtype"
	PathTime    = "time"
	PathJSON    = "encoding/json"
	PathNetip   = "net/netip"
	PathNet     = "net"
)

// Numeric reports whether the min and max rules apply.
func (t *Type) Numeric() bool { return t.Int != nil || t.FloatBits > 0 || t.Decimal }

// AtlasType returns the Atlas type of a column of t with the given
// modifiers.
func (t *Type) AtlasType(args []int) schema.Type { return t.atlas(t.AtlasName, args) }

// Widens reports whether every value of from is also a value of to:
// smallint → integer → bigint → numeric, real → double precision.
func Widens(from, to *Type) bool {
	switch {
	case from == to:
		return true
	case from.Int != nil && to.Int != nil:
		return to.Int.Min <= from.Int.Min && to.Int.Max >= from.Int.Max
	case from.Int != nil && to.Decimal:
		return true
	case from.FloatBits > 0 && to.FloatBits > 0:
		return to.FloatBits >= from.FloatBits
	}
	return false
}

// The Atlas type constructors of the rows.
func atlasUUID(n string, _ []int) schema.Type    { return &schema.UUIDType{T: n} }
func atlasString(n string, a []int) schema.Type  { return &schema.StringType{T: n, Size: arg(a, 0, 0)} }
func atlasUser(n string, _ []int) schema.Type    { return &postgres.UserDefinedType{T: n} }
func atlasBool(n string, _ []int) schema.Type    { return &schema.BoolType{T: n} }
func atlasInt(n string, _ []int) schema.Type     { return &schema.IntegerType{T: n} }
func atlasDate(n string, _ []int) schema.Type    { return &schema.TimeType{T: n} }
func atlasJSON(n string, _ []int) schema.Type    { return &schema.JSONType{T: n} }
func atlasBinary(n string, _ []int) schema.Type  { return &schema.BinaryType{T: n} }
func atlasNetwork(n string, _ []int) schema.Type { return &postgres.NetworkType{T: n} }
func atlasSearch(n string, _ []int) schema.Type  { return &postgres.TextSearchType{T: n} }
func atlasRange(n string, _ []int) schema.Type   { return &postgres.RangeType{T: n} }
func atlasBit(n string, a []int) schema.Type {
	return &postgres.BitType{T: n, Len: int64(arg(a, 0, 0))}
}

func atlasDecimal(n string, a []int) schema.Type {
	return &schema.DecimalType{T: n, Precision: arg(a, 0, 0), Scale: arg(a, 1, 0)}
}

func atlasFloat(precision int) func(string, []int) schema.Type {
	return func(n string, _ []int) schema.Type { return &schema.FloatType{T: n, Precision: precision} }
}

func atlasTime(n string, a []int) schema.Type {
	p := arg(a, 0, 6)
	return &schema.TimeType{T: n, Precision: &p}
}

func atlasInterval(n string, a []int) schema.Type {
	p := arg(a, 0, 6)
	return &postgres.IntervalType{T: n, Precision: &p}
}

// Rows of All declared on their own: the element types of ranges.
var (
	integerType = &Type{
		Name: "integer", Aliases: []string{"int", "int4"}, Hints: []string{"int32", "mediumint"},
		Literal: intLit, Example: "-2147483648",
		Go: GoType{Name: "int32"}, MapKey: true, KeyFamily: "integer", Copy: true, Unnest: true, Compare: cmpCompare,
		Codec:   "pgx's int4 codec, binary",
		Catalog: "int4", AtlasName: "integer", atlas: atlasInt,
		Docs: "a 4-byte integer",
		Int:  &IntRange{math.MinInt32, math.MaxInt32}, Check: "CheckInt", CheckArgs: CheckBits, Ordered: true, Keyset: true, Version: true, Tenant: true, CacheKey: "Int32Keys",
		succ: stepInt, order: compareNumbers,
	}
	bigintType = &Type{
		Name: "bigint", Aliases: []string{"int8"}, Hints: []string{"int64", "long"},
		Literal: intLit, Example: "9223372036854775807",
		Go: GoType{Name: "int64"}, MapKey: true, KeyFamily: "integer", Copy: true, Unnest: true, Compare: cmpCompare,
		Codec:   "pgx's int8 codec, binary",
		Catalog: "int8", AtlasName: "bigint", atlas: atlasInt,
		Docs: "an 8-byte integer",
		Int:  &IntRange{math.MinInt64, math.MaxInt64}, Check: "CheckInt", CheckArgs: CheckBits, Ordered: true, Keyset: true, Version: true, Tenant: true, CacheKey: "Int64Keys",
		succ: stepInt, order: compareNumbers,
	}
	numericType = &Type{
		Name: "numeric", Aliases: []string{"decimal"}, Hints: []string{"number"},
		Mods: PrecisionScale, Literal: decimalLit, Example: "12.50",
		Go: GoType{Path: PathDecimal, Name: "Decimal"}, Copy: true, Unnest: true, Compare: runtimeCompare("Decimal"),
		Codec:   "runtime.RegisterTypes: binary at full precision; NaN and ±Infinity do not scan into a Decimal",
		Catalog: "numeric", AtlasName: "numeric", atlas: atlasDecimal,
		Docs:    "an exact decimal number, numeric(p,s) with p digits of which s after the point",
		Decimal: true, Check: "CheckNumeric", CheckArgs: CheckPrecisionScale, Ordered: true, Keyset: true,
		order: compareNumbers,
	}
	dateType = &Type{
		Name: "date", Literal: dateLit, Example: "2024-02-29",
		Go: GoType{Path: PathTime, Name: "Time"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Date"),
		Codec:   "pgx's date codec, binary; a time.Time at midnight UTC; ±infinity does not scan into a time.Time",
		Catalog: "date", AtlasName: "date", atlas: atlasDate,
		Docs:  "a calendar date",
		Check: "CheckDate", Ordered: true, Keyset: true,
		succ: stepDate, order: compareDates,
	}
	timestampType = &Type{
		Name: "timestamp", Aliases: []string{"timestamp without time zone"},
		Mods: Precision, Literal: stampLit, Example: "2024-02-29 12:34:56",
		Go: GoType{Path: PathTime, Name: "Time"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Time"),
		Codec:   "pgx's timestamp codec, binary; a time.Time in UTC; ±infinity does not scan into a time.Time",
		Catalog: "timestamp", AtlasName: "timestamp without time zone", atlas: atlasTime,
		Docs:  "a date and time of day without a time zone, timestamp(p) with p fractional digits",
		Check: "CheckTimestamp", Ordered: true, Keyset: true, Timestamp: true,
	}
	timestamptzType = &Type{
		Name: "timestamptz", Aliases: []string{"timestamp with time zone"}, Hints: []string{"datetime", "timestamp with timezone"},
		Mods: Precision, Literal: stampLit, Example: "2024-02-29T12:34:56Z",
		Go: GoType{Path: PathTime, Name: "Time"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Time"),
		Codec:   "pgx's timestamptz codec, binary; a time.Time in the local time zone; ±infinity does not scan into a time.Time",
		Catalog: "timestamptz", AtlasName: "timestamp with time zone", atlas: atlasTime,
		Docs:  "an instant in time, timestamptz(p) with p fractional digits",
		Check: "CheckTimestamptz", Ordered: true, Keyset: true, Timestamp: true,
	}
)

// rangeType is the row of a range type over elem, whose values are
// pgtype.Range of elem's Go type.
func rangeType(name string, elem *Type, docs string, mapKey bool, example string) *Type {
	return &Type{
		Name: name, Literal: rangeLiteral(elem.Name), Example: example, Elem: elem,
		Go:      GoType{Path: PathPgtype, Name: "Range", ArgPath: elem.Go.Path, ArgName: elem.Go.Name},
		NullPtr: true, Valid: true, MapKey: mapKey, Copy: true, Unnest: true,
		Codec: "pgx's range codec, binary; bounds through the codec of " + elem.Name +
			"; Valid false is NULL, LowerType and UpperType Empty an empty range; runtime.RegisterTypes names its type for parameters of unspecified type",
		Catalog: name, AtlasName: name, atlas: atlasRange,
		Docs:    docs,
		Ordered: true, Keyset: true,
	}
}

// All are the base types, in the order docs and the JSON Schema list
// them.
var All = []*Type{
	{
		Name: "uuid", Hints: []string{"uuid4"},
		Literal: uuidLit, Example: "8f14e45f-ceea-467f-a8f2-d2b1e6b3c1a7",
		Go: GoType{Path: PathUUID, Name: "UUID"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("UUID"),
		Codec:   "runtime.RegisterTypes: binary, 16 bytes",
		Catalog: "uuid", AtlasName: "uuid", atlas: atlasUUID,
		Docs:    "a UUID",
		Ordered: true, Keyset: true, Tenant: true, CacheKey: "UUIDKeys",
	},
	{
		Name: "text", Hints: []string{"string", "str"},
		Literal: textLit, Example: "hello",
		Go: GoType{Name: "string"}, MapKey: true, KeyFamily: "string", Copy: true, Unnest: true, Compare: cmpCompare,
		Codec:   "pgx's text codec",
		Catalog: "text", AtlasName: "text", atlas: atlasString,
		Docs: "text of any length",
		Text: true, Check: "CheckText", ArrayCheck: "CheckTexts", Ordered: true, Keyset: true, Tenant: true, CacheKey: "StringKeys",
	},
	{
		Name: "varchar", Aliases: []string{"character varying"},
		Mods: Length, Literal: textLit, Example: "hello",
		Go: GoType{Name: "string"}, MapKey: true, KeyFamily: "string", Copy: true, Unnest: true, Compare: cmpCompare, Cast: "varchar",
		Codec:   "pgx's text codec",
		Catalog: "varchar", AtlasName: "character varying", atlas: atlasString,
		Docs: "text of at most n characters, varchar(n); max_length defaults to n",
		Text: true, Check: "CheckText", ArrayCheck: "CheckTexts", Ordered: true, Keyset: true, Tenant: true, CacheKey: "StringKeys",
	},
	{
		Name: "char", Aliases: []string{"character"},
		Mods: Length, DefaultArgs: []int{1}, Literal: textLit, Example: "x",
		Go: GoType{Name: "string"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Char"), Cast: "bpchar",
		Codec:   "pgx's text codec; generated select lists read it as text, so values come back without the padding to n",
		Catalog: "bpchar", AtlasName: "character", atlas: atlasString,
		Docs: "text of exactly n characters, padded with spaces, char(n); char is char(1)",
		Text: true, Padded: true, Check: "CheckText", ArrayCheck: "CheckTexts", Ordered: true, Keyset: true, Tenant: true,
	},
	{
		Name: "boolean", Aliases: []string{"bool"},
		Literal: boolLit, Example: "true",
		Go: GoType{Name: "bool"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Bool"),
		Codec:   "pgx's bool codec, binary",
		Catalog: "bool", AtlasName: "boolean", atlas: atlasBool,
		Docs:   "true or false",
		Keyset: true,
	},
	{
		Name: "smallint", Aliases: []string{"int2"}, Hints: []string{"int16", "tinyint"},
		Literal: intLit, Example: "-32768",
		Go: GoType{Name: "int16"}, MapKey: true, KeyFamily: "integer", Copy: true, Unnest: true, Compare: cmpCompare,
		Codec:   "pgx's int2 codec, binary",
		Catalog: "int2", AtlasName: "smallint", atlas: atlasInt,
		Docs: "a 2-byte integer",
		Int:  &IntRange{math.MinInt16, math.MaxInt16}, Check: "CheckInt", CheckArgs: CheckBits, Ordered: true, Keyset: true, Tenant: true, CacheKey: "Int16Keys",
		succ: stepInt, order: compareNumbers,
	},
	integerType,
	bigintType,
	numericType,
	{
		Name: "real", Aliases: []string{"float4"}, Hints: []string{"float32"},
		Literal: floatLit, Example: "1.5",
		Go: GoType{Name: "float32"}, MapKey: true, Copy: true, Unnest: true, Compare: cmpCompare,
		Codec:   "pgx's float4 codec, binary",
		Catalog: "float4", AtlasName: "real", atlas: atlasFloat(24),
		Docs:      "a 4-byte floating-point number",
		FloatBits: 32, Ordered: true,
	},
	{
		Name: "double precision", Aliases: []string{"float8", "float"}, Hints: []string{"float64", "double"},
		Literal: floatLit, Example: "-2.25",
		Go: GoType{Name: "float64"}, MapKey: true, Copy: true, Unnest: true, Compare: cmpCompare,
		Codec:   "pgx's float8 codec, binary",
		Catalog: "float8", AtlasName: "double precision", atlas: atlasFloat(53),
		Docs:      "an 8-byte floating-point number",
		FloatBits: 64, Ordered: true,
	},
	dateType,
	{
		Name: "time", Aliases: []string{"time without time zone"},
		Mods: Precision, Literal: timeLit, Example: "23:59:59.999999",
		Go: GoType{Path: PathPgtype, Name: "Time"}, Valid: true, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("TimeOfDay"),
		Codec:   "pgx's time codec, binary; microseconds since midnight",
		Catalog: "time", AtlasName: "time without time zone", atlas: atlasTime,
		Docs:    "a time of day, time(p) with p fractional digits",
		Ordered: true, Keyset: true,
	},
	timestampType,
	timestamptzType,
	{
		Name: "interval", Mods: Precision, Literal: spanLit, Example: "1 day 02:00:00",
		Go: GoType{Path: PathPgtype, Name: "Interval"}, Valid: true, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Interval"),
		Codec:   "pgx's interval codec, binary; months, days and microseconds apart",
		Catalog: "interval", AtlasName: "interval", atlas: atlasInterval,
		Docs:    "a span of time, interval(p) with p fractional digits",
		Ordered: true, Keyset: true,
	},
	{
		Name: "jsonb", Hints: []string{"map", "object"},
		Literal: jsonLit, Example: `{"a": [1, 2]}`,
		Go: GoType{Path: PathJSON, Name: "RawMessage"}, NilIsNull: true, Copy: true, Unnest: true, Compare: bytesCompare,
		Codec:   "pgx's jsonb codec; the JSON text as it is",
		Catalog: "jsonb", AtlasName: "jsonb", atlas: atlasJSON,
		Docs:  "binary JSON; a go_type: of your own is encoded with encoding/json",
		Check: "CheckJSONB", Keyset: true,
	},
	{
		Name: "json", Literal: jsonLit, Example: `{"a": [1, 2]}`,
		Go: GoType{Path: PathJSON, Name: "RawMessage"}, NilIsNull: true, Copy: true, Unnest: true, Compare: bytesCompare,
		Codec:   "pgx's json codec; the JSON text as it is, read byte for byte (runtime.RegisterTypes: pgx would leave out the whitespace around the value)",
		Catalog: "json", AtlasName: "json", atlas: atlasJSON,
		Docs:  "JSON text, kept as written",
		Check: "CheckJSON", NoEquality: true,
	},
	{
		Name: "bytea", Hints: []string{"blob", "bytes"},
		Literal: byteaLit, Example: `\x00ff`,
		Go: GoType{Name: "[]byte"}, NilIsNull: true, Copy: true, Unnest: true, Compare: bytesCompare,
		Codec:   "pgx's bytea codec, binary",
		Catalog: "bytea", AtlasName: "bytea", atlas: atlasBinary,
		Docs:    "bytes",
		Ordered: true, Keyset: true,
	},
	{
		Name: "inet", Literal: inetLit, Example: "192.168.0.1/24",
		Go: GoType{Path: PathNetip, Name: "Prefix"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Prefix"),
		Codec:   "pgx's inet codec, binary; an address is a netip.Prefix of full length",
		Catalog: "inet", AtlasName: "inet", atlas: atlasNetwork,
		Docs:    "an IPv4 or IPv6 host address, optionally with its network",
		Ordered: true, Keyset: true,
	},
	{
		Name: "cidr", Literal: cidrLit, Example: "10.0.0.0/8",
		Go: GoType{Path: PathNetip, Name: "Prefix"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Prefix"),
		Codec:   "pgx's inet codec, binary",
		Catalog: "cidr", AtlasName: "cidr", atlas: atlasNetwork,
		Docs:    "an IPv4 or IPv6 network",
		Ordered: true, Keyset: true,
	},
	{
		Name: "citext", Literal: textLit, Example: "Hello",
		Go: GoType{Name: "string"}, MapKey: true, Copy: true, Unnest: true, Compare: runtimeCompare("Fold"),
		Codec:   "no pgx codec (the extension's type has no fixed OID): text format, which is also its binary form",
		Catalog: "citext", AtlasName: "citext", atlas: atlasUser, Extension: "citext",
		Docs: "case-insensitive text (the citext extension, which the schema creates)",
		Text: true, Check: "CheckText", ArrayCheck: "CheckTexts", Ordered: true, Keyset: true, Tenant: true,
	},
	{
		Name: "macaddr", Literal: macLit, Example: "08:00:2B:01:02:03",
		Go: GoType{Path: PathNet, Name: "HardwareAddr"}, NilIsNull: true, Copy: true, Unnest: true, Compare: bytesCompare,
		Codec:   "pgx's macaddr codec, binary; nil is NULL; runtime.RegisterTypes names its type for parameters of unspecified type",
		Catalog: "macaddr", AtlasName: "macaddr", atlas: atlasNetwork,
		Docs:  "a MAC address (6 bytes)",
		Check: "CheckMAC", ArrayCheck: "CheckMACs", Ordered: true, Keyset: true,
	},
	{
		Name: "macaddr8", Literal: mac8Lit, Example: "08:00:2B:01:02:03:04:05",
		Go: GoType{Path: PathNet, Name: "HardwareAddr"}, NilIsNull: true, Copy: true, Unnest: true, Compare: bytesCompare,
		Codec:   "pgx's macaddr codec, binary; nil is NULL",
		Catalog: "macaddr8", AtlasName: "macaddr8", atlas: atlasNetwork,
		Docs:  "a MAC address in EUI-64 form (8 bytes)",
		Check: "CheckMAC8", ArrayCheck: "CheckMAC8s", Ordered: true, Keyset: true,
	},
	{
		Name: "ltree", Literal: textLit, Example: "Top.Science.Astronomy",
		Go: GoType{Name: "string"}, MapKey: true, Unnest: true, Compare: GoFunc{Path: "cmp", Name: "Compare"},
		Codec:   "no pgx codec (the extension's type has no fixed OID): text format; CreateMany inserts with a statement, as COPY's binary form of ltree is not its text",
		Catalog: "ltree", AtlasName: "ltree", atlas: atlasUser, Extension: "ltree",
		Docs:    "a label path such as Top.Science.Astronomy (the ltree extension, which the schema creates)",
		Ordered: true, Keyset: true,
	},
	{
		Name: "hstore", Literal: noLiteral,
		Go: GoType{Path: PathPgtype, Name: "Hstore"}, NilIsNull: true, TextArray: true,
		Codec:   "no pgx codec (the extension's type has no fixed OID): text format through pgtype.Hstore's text methods; nil is NULL, a nil value pointer a NULL value; an array travels as text[]; CreateMany sends Create's statement for each row in one pgx.Batch, and batch writes are not generated, as neither COPY's binary form nor an array parameter carries it",
		Catalog: "hstore", AtlasName: "hstore", atlas: atlasUser, Extension: "hstore",
		Docs: "a map of text keys to text values or NULL (the hstore extension, which the schema creates); defaults in {sql: …}",
	},
	{
		Name: "bit", Mods: Length, DefaultArgs: []int{1}, Literal: bitLit, Example: "1",
		Go: GoType{Path: PathPgtype, Name: "Bits"}, NullPtr: true, Valid: true, Copy: true, Unnest: true, Compare: runtimeCompare("Bits"), Cast: "varbit",
		Codec:   "pgx's bit codec, binary; Len bits, the first in the high bit of Bytes[0]; Valid false is NULL",
		Catalog: "bit", AtlasName: "bit", atlas: atlasBit,
		Docs:  "a string of exactly n bits, bit(n) (bit is bit(1)); literals are the bits (1010 for bit(4))",
		Check: "CheckBit", CheckArgs: CheckLength, Ordered: true,
	},
	{
		// Atlas reads an array's element type by its SQL name, and knows
		// this one only as bit varying.
		Name: "bit varying", Aliases: []string{"varbit"},
		Mods: Length, Literal: bitLit, Example: "101",
		Go: GoType{Path: PathPgtype, Name: "Bits"}, NullPtr: true, Valid: true, Copy: true, Unnest: true, Compare: runtimeCompare("Bits"), Cast: "varbit",
		Codec:   "pgx's bit codec, binary; Len bits, the first in the high bit of Bytes[0]; Valid false is NULL",
		Catalog: "varbit", AtlasName: "bit varying", atlas: atlasBit,
		Docs:  "a string of at most n bits, bit varying(n) or varbit(n), or of any length; literals are the bits (101)",
		Check: "CheckVarbit", CheckArgs: CheckLength, Ordered: true,
	},
	{
		Name: "tsvector", Literal: noLiteral,
		Go: GoType{Path: PathPgtype, Name: "TSVector"}, NullPtr: true, Valid: true, Copy: true, Unnest: true,
		Codec:   "pgx's tsvector codec, binary; lexemes with positions and weights; Validate refuses what the binary form cannot carry (a NUL in a word, a position over 16383); Valid false is NULL",
		Catalog: "tsvector", AtlasName: "tsvector", atlas: atlasSearch,
		Docs:  "a document for full-text search (set it with to_tsvector in SQL, or build a pgtype.TSVector)",
		Check: "CheckTSVector", ArrayCheck: "CheckTSVectors",
	},
	rangeType("int4range", integerType, "a range of integer", true, "[1,10]"),
	rangeType("int8range", bigintType, "a range of bigint", true, "(,5]"),
	rangeType("numrange", numericType, "a range of numeric", false, "[1.5,2.25)"),
	rangeType("daterange", dateType, "a range of date", true, "[2024-01-01,2024-01-31]"),
	rangeType("tsrange", timestampType, "a range of timestamp", true, `["2024-01-01 00:00:00","2024-01-02 00:00:00")`),
	rangeType("tstzrange", timestamptzType, "a range of timestamptz", true, "[2024-01-01T00:00:00Z,)"),
}

// byName indexes All by canonical name and alias; byCatalog and byAtlas
// by the names the server and Atlas report.
var byName, byCatalog, byAtlas = func() (n, c, a map[string]*Type) {
	n, c, a = map[string]*Type{}, map[string]*Type{}, map[string]*Type{}
	for _, t := range All {
		n[t.Name] = t
		for _, alias := range t.Aliases {
			n[alias] = t
		}
		c[t.Catalog] = t
		a[t.AtlasName] = t
	}
	return n, c, a
}()

// Lookup returns the type with the given canonical name or alias (lower
// case, single spaces), or nil.
func Lookup(name string) *Type { return byName[name] }

// ByCatalog returns the type whose pg_type.typname is name, or nil.
func ByCatalog(name string) *Type { return byCatalog[name] }

// ByAtlasName returns the type Atlas names name, or nil.
func ByAtlasName(name string) *Type { return byAtlas[name] }

// Find returns the type name names in any of its spellings: canonical,
// alias, catalog or Atlas name (in that order of precedence), or nil.
func Find(name string) *Type {
	if t := byName[name]; t != nil {
		return t
	}
	if t := byCatalog[name]; t != nil {
		return t
	}
	return byAtlas[name]
}

// Names returns the canonical names, in the order of All.
func Names() []string {
	out := make([]string, len(All))
	for i, t := range All {
		out[i] = t.Name
	}
	return out
}

// AliasNames returns every alias, sorted.
func AliasNames() []string {
	var out []string
	for _, t := range All {
		out = append(out, t.Aliases...)
	}
	sort.Strings(out)
	return out
}

// HintNames returns every hint, sorted.
func HintNames() []string {
	var out []string
	for _, t := range All {
		out = append(out, t.Hints...)
	}
	sort.Strings(out)
	return out
}

// Hint returns the type a name of another language or database (a Hint
// of a row) stands for, or nil.
func Hint(name string) *Type {
	for _, t := range All {
		for _, h := range t.Hints {
			if h == name {
				return t
			}
		}
	}
	return nil
}

// Unsupported are type names PostgreSQL knows that specs may not use,
// with what to write instead.
var Unsupported = map[string]string{
	"serial":              "use type: integer with identity: true",
	"serial4":             "use type: integer with identity: true",
	"serial2":             "use type: smallint with identity: true",
	"smallserial":         "use type: smallint with identity: true",
	"serial8":             "use type: bigint with identity: true",
	"bigserial":           "use type: bigint with identity: true",
	"timetz":              "use timestamptz or time",
	"time with time zone": "use timestamptz or time",
	"money":               "use numeric(p,s)",
}

// GoNilIsNull reports whether nil of the Go type Name of the package at
// path stands for NULL in the column types whose Go type it is (a go_type
// override naming json.RawMessage, say).
func GoNilIsNull(path, name string) bool {
	for _, t := range All {
		if t.NilIsNull && t.Go.Path == path && t.Go.Name == name {
			return true
		}
	}
	return false
}

// String writes g as Go source, package names guessed from the import
// paths: uuid.UUID, pgtype.Range[int32].
func (g GoType) String() string {
	s := qualified(g.Path, g.Name)
	if g.ArgName != "" {
		s += "[" + qualified(g.ArgPath, g.ArgName) + "]"
	}
	return s
}

func qualified(path, name string) string {
	if path == "" {
		return name
	}
	parts := strings.Split(path, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	return last + "." + name
}
