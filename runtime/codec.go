package runtime

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// RegisterTypes teaches m the Go types cpcgen maps columns to, so that
// they travel in PostgreSQL's binary format for parameters, results and
// COPY:
//
//   - github.com/google/uuid: UUID and NullUUID for uuid and uuid[];
//   - github.com/shopspring/decimal: Decimal and NullDecimal for numeric
//     and numeric[], at full precision (numrange's bounds included);
//
// and pointers and slices of them. A nil pointer or an invalid Null value
// is SQL NULL, and NULL scans into a nil pointer or an invalid Null value;
// scanning NULL into a plain UUID or Decimal is an error, as is scanning
// the numeric values NaN and ±Infinity, which a Decimal cannot hold.
//
// It also gives pgx the array type of macaddr8, which pgx lacks, makes
// scanning an array of more than one dimension into a slice an error,
// which pgx would flatten into the slice, and scans a json value (json
// and json[]) into a json.RawMessage byte for byte, where pgx leaves out
// the whitespace around it.
//
// Without it, pgx handles these types through their text methods
// (driver.Valuer and sql.Scanner): correct, but slower and with more
// allocations. Every other type keeps pgx's handling; for the modes that
// send parameters of unspecified type (StatementModeExec,
// StatementModeSimple), it also names the PostgreSQL type of
// net.HardwareAddr (macaddr) and of pgtype.Range of int32, int64,
// decimal.Decimal and time.Time (the range types), which pgx has none
// for.
func RegisterTypes(m *pgtype.Map) {
	uuidType := &pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}}
	numericType := &pgtype.Type{Name: "numeric", OID: pgtype.NumericOID, Codec: numericCodec{}}
	m.RegisterType(uuidType)
	m.RegisterType(&pgtype.Type{Name: "_uuid", OID: pgtype.UUIDArrayOID, Codec: &pgtype.ArrayCodec{ElementType: uuidType}})
	m.RegisterType(numericType)
	m.RegisterType(&pgtype.Type{Name: "_numeric", OID: pgtype.NumericArrayOID, Codec: &pgtype.ArrayCodec{ElementType: numericType}})
	registerJSONText(m)
	registerBulkArrays(m)
	// pgx knows macaddr8 but not its array type.
	if mac8, ok := m.TypeForName("macaddr8"); ok {
		m.RegisterType(&pgtype.Type{Name: "_macaddr8", OID: macaddr8ArrayOID, Codec: &pgtype.ArrayCodec{ElementType: mac8}})
	}

	// Default types are used when a parameter's type is not known from the
	// statement (QueryExecModeExec, the simple protocol).
	registerDefault[uuid.UUID](m, "uuid")
	registerDefault[uuid.NullUUID](m, "uuid")
	registerDefault[decimal.Decimal](m, "numeric")
	registerDefault[decimal.NullDecimal](m, "numeric")
	// Go types of column types that pgx gives no PostgreSQL type of their
	// own: without one, such a parameter of unspecified type travels as
	// bytea (net.HardwareAddr) or not at all (a Range of a plain Go type).
	// A Range of times is sent as tstzrange text, which the server reads
	// into daterange and tsrange columns too.
	registerDefault[net.HardwareAddr](m, "macaddr")
	registerPointerPlans(m)
	registerOneDimSlices(m)
	// The array parameters of unnest (argArray) and of batch writes
	// (refArray and its kin) whose type pgx has no codec of (an
	// extension's type, such as citext[] or ltree[]) travel as text.
	addWrapper(m, tryWrapArgArray)
	addWrapper(m, tryWrapPlainArray)
	registerDefault[pgtype.Range[int32]](m, "int4range")
	registerDefault[pgtype.Range[int64]](m, "int8range")
	registerDefault[pgtype.Range[decimal.Decimal]](m, "numrange")
	registerDefault[pgtype.Range[time.Time]](m, "tstzrange")
}

// registerJSONText replaces the codec of json, and of json[]'s
// elements, by jsonTextCodec over m's own.
func registerJSONText(m *pgtype.Map) {
	t, ok := m.TypeForOID(pgtype.JSONOID)
	if !ok {
		return
	}
	jc, ok := t.Codec.(*pgtype.JSONCodec)
	if !ok {
		return
	}
	jsonType := &pgtype.Type{Name: t.Name, OID: pgtype.JSONOID, Codec: jsonTextCodec{jc}}
	m.RegisterType(jsonType)
	m.RegisterType(&pgtype.Type{Name: "_json", OID: pgtype.JSONArrayOID, Codec: &pgtype.ArrayCodec{ElementType: jsonType}})
}

// jsonTextCodec is pgx's json codec, except that it scans a value into
// a json.RawMessage as the server sends it, byte for byte: pgx
// unmarshals into one through encoding/json, which leaves out the
// whitespace around the value ("{ }\n" read as "{ }"), where a json
// column keeps its text as written. json's text and binary forms are
// the same text.
type jsonTextCodec struct{ *pgtype.JSONCodec }

func (c jsonTextCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*json.RawMessage); ok {
		return rawJSONScanPlan{}
	}
	return c.JSONCodec.PlanScan(m, oid, format, target)
}

// rawJSONScanPlan copies a json value into a *json.RawMessage; NULL is
// nil.
type rawJSONScanPlan struct{}

func (rawJSONScanPlan) Scan(src []byte, dst any) error {
	p := dst.(*json.RawMessage)
	if src == nil {
		*p = nil
		return nil
	}
	*p = append(make(json.RawMessage, 0, len(src)), src...)
	return nil
}

// macaddr8ArrayOID is the OID of macaddr8[] (_macaddr8), fixed in
// PostgreSQL's catalog.
const macaddr8ArrayOID = 775

func registerDefault[T any](m *pgtype.Map, name string) {
	var v T
	m.RegisterDefaultPgType(v, name)
	m.RegisterDefaultPgType(&v, name)
	m.RegisterDefaultPgType([]T(nil), "_"+name)
	m.RegisterDefaultPgType([]*T(nil), "_"+name)
}

// AfterConnect registers the runtime's types (see RegisterTypes) on a new
// connection, and, on a connection whose default query exec mode sends
// parameters of unspecified type (StatementModeExec, StatementModeSimple),
// lets slices of named string types (generated enums, []Mood) travel as
// text[], which pgx could not encode there otherwise. When
// CPCGEN_TENANT_KEY holds a tenant key, it also binds the connection to
// it (one query: the backend's process id, which the connection's tenant
// tokens are bound to unless they differ, behind a pooler); install
// AfterRelease beside it then. Open installs both on every pooled
// connection (with Config.TenantKey, when set); use them as
// pgxpool.Config.AfterConnect and AfterRelease, or call AfterConnect on
// a *pgx.Conn, when building a pool or connection by hand.
func AfterConnect(ctx context.Context, conn *pgx.Conn) error {
	registerConnTypes(conn)
	key, err := TenantKeyOf()
	if err != nil {
		return err
	}
	return bindTenant(ctx, conn, key, false)
}

// registerConnTypes registers the runtime's types on conn.
func registerConnTypes(conn *pgx.Conn) {
	RegisterTypes(conn.TypeMap())
	registerUntyped(conn)
}

// codecError is an error from this package's codecs. Its message never
// contains the value being converted, so Wrap can show it.
type codecError struct{ msg string }

func (e *codecError) Error() string { return e.msg }

var (
	errNullUUID    = &codecError{msg: "cannot scan NULL into uuid.UUID: scan into a *uuid.UUID or a uuid.NullUUID"}
	errNullDecimal = &codecError{msg: "cannot scan NULL into decimal.Decimal: scan into a *decimal.Decimal or a decimal.NullDecimal"}
)

func codecErrorf(format string, args ...any) error {
	return &codecError{msg: fmt.Sprintf(format, args...)}
}

// uuidCodec is pgtype.UUIDCodec plus binary and text plans for the
// google/uuid types; every other value goes to pgtype.UUIDCodec.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	switch value.(type) {
	case uuid.UUID, *uuid.UUID, uuid.NullUUID, *uuid.NullUUID:
		switch format {
		case pgtype.BinaryFormatCode:
			return uuidBinaryEncodePlan{}
		case pgtype.TextFormatCode:
			return uuidTextEncodePlan{}
		}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	switch target.(type) {
	case *uuid.UUID, *uuid.NullUUID:
		switch format {
		case pgtype.BinaryFormatCode:
			return uuidBinaryScanPlan{}
		case pgtype.TextFormatCode:
			return uuidTextScanPlan{}
		}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

// uuidValue returns the UUID in value and whether it is not NULL.
func uuidValue(value any) (uuid.UUID, bool) {
	switch v := value.(type) {
	case uuid.UUID:
		return v, true
	case *uuid.UUID:
		if v == nil {
			return uuid.UUID{}, false
		}
		return *v, true
	case uuid.NullUUID:
		return v.UUID, v.Valid
	case *uuid.NullUUID:
		if v == nil {
			return uuid.UUID{}, false
		}
		return v.UUID, v.Valid
	}
	return uuid.UUID{}, false
}

type uuidBinaryEncodePlan struct{}

func (uuidBinaryEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	u, ok := uuidValue(value)
	if !ok {
		return nil, nil
	}
	return append(buf, u[:]...), nil
}

type uuidTextEncodePlan struct{}

func (uuidTextEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	u, ok := uuidValue(value)
	if !ok {
		return nil, nil
	}
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return append(buf, s[:]...), nil
}

type uuidBinaryScanPlan struct{}

func (uuidBinaryScanPlan) Scan(src []byte, dst any) error {
	if src != nil && len(src) != 16 {
		return codecErrorf("invalid length for uuid: %d bytes", len(src))
	}
	switch d := dst.(type) {
	case *uuid.UUID:
		if src == nil {
			return errNullUUID
		}
		copy(d[:], src)
	case *uuid.NullUUID:
		if src == nil {
			*d = uuid.NullUUID{}
			return nil
		}
		copy(d.UUID[:], src)
		d.Valid = true
	}
	return nil
}

type uuidTextScanPlan struct{}

func (uuidTextScanPlan) Scan(src []byte, dst any) error {
	var u uuid.UUID
	if src != nil {
		var err error
		if u, err = uuid.ParseBytes(src); err != nil {
			return codecErrorf("invalid uuid text of %d bytes", len(src))
		}
	}
	switch d := dst.(type) {
	case *uuid.UUID:
		if src == nil {
			return errNullUUID
		}
		*d = u
	case *uuid.NullUUID:
		*d = uuid.NullUUID{UUID: u, Valid: src != nil}
	}
	return nil
}

// numericCodec is pgtype.NumericCodec plus binary and text plans for the
// shopspring/decimal types; every other value goes to pgtype.NumericCodec.
type numericCodec struct{ pgtype.NumericCodec }

func (c numericCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	switch value.(type) {
	case decimal.Decimal, *decimal.Decimal, decimal.NullDecimal, *decimal.NullDecimal:
		switch format {
		case pgtype.BinaryFormatCode:
			return decimalBinaryEncodePlan{}
		case pgtype.TextFormatCode:
			return decimalTextEncodePlan{}
		}
	}
	return c.NumericCodec.PlanEncode(m, oid, format, value)
}

func (c numericCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	switch target.(type) {
	case *decimal.Decimal, *decimal.NullDecimal, *Null[decimal.Decimal]:
		switch format {
		case pgtype.BinaryFormatCode:
			return decimalBinaryScanPlan{}
		case pgtype.TextFormatCode:
			return decimalTextScanPlan{}
		}
	}
	return c.NumericCodec.PlanScan(m, oid, format, target)
}

// decimalValue returns the Decimal in value and whether it is not NULL.
func decimalValue(value any) (decimal.Decimal, bool) {
	switch v := value.(type) {
	case decimal.Decimal:
		return v, true
	case *decimal.Decimal:
		if v == nil {
			return decimal.Decimal{}, false
		}
		return *v, true
	case decimal.NullDecimal:
		return v.Decimal, v.Valid
	case *decimal.NullDecimal:
		if v == nil {
			return decimal.Decimal{}, false
		}
		return v.Decimal, v.Valid
	}
	return decimal.Decimal{}, false
}

type decimalBinaryEncodePlan struct{}

func (decimalBinaryEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	d, ok := decimalValue(value)
	if !ok {
		return nil, nil
	}
	return appendNumeric(buf, d)
}

type decimalTextEncodePlan struct{}

func (decimalTextEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	d, ok := decimalValue(value)
	if !ok {
		return nil, nil
	}
	// String drops trailing zeros; keep the scale, as the binary form does.
	if exp := d.Exponent(); exp < 0 {
		return append(buf, d.StringFixed(-exp)...), nil
	}
	return append(buf, d.StringFixed(0)...), nil
}

type decimalBinaryScanPlan struct{}

func (decimalBinaryScanPlan) Scan(src []byte, dst any) error {
	switch d := dst.(type) {
	case *decimal.Decimal:
		if src == nil {
			return errNullDecimal
		}
		v, err := parseNumeric(src)
		if err != nil {
			return err
		}
		*d = v
	case *decimal.NullDecimal:
		if src == nil {
			*d = decimal.NullDecimal{}
			return nil
		}
		v, err := parseNumeric(src)
		if err != nil {
			return err
		}
		*d = decimal.NullDecimal{Decimal: v, Valid: true}
	case *Null[decimal.Decimal]:
		if src == nil {
			*d = Null[decimal.Decimal]{}
			return nil
		}
		v, err := parseNumeric(src)
		if err != nil {
			return err
		}
		*d = Null[decimal.Decimal]{V: v, Valid: true}
	}
	return nil
}

type decimalTextScanPlan struct{}

// numericFromText parses PostgreSQL's text of a numeric: an optional
// sign, digits, and places after a point. decimal.NewFromString refuses
// more than 10000 places, where numeric has up to 16383 (1e-16383 reads
// as 0.000…1 in the simple protocol): those build the decimal from their
// digits.
func numericFromText(src []byte) (decimal.Decimal, error) {
	whole, places, ok := strings.Cut(string(src), ".")
	if !ok || len(places) < 10000 {
		return decimal.NewFromString(string(src))
	}
	var coef big.Int
	if places == "" || strings.TrimLeft(places, "0123456789") != "" {
		return decimal.Decimal{}, errDecimalSyntax
	}
	if _, ok := coef.SetString(whole+places, 10); !ok {
		return decimal.Decimal{}, errDecimalSyntax
	}
	return decimal.NewFromBigInt(&coef, -int32(len(places))), nil
}

func (decimalTextScanPlan) Scan(src []byte, dst any) error {
	var v decimal.Decimal
	if src != nil {
		switch string(src) {
		case "NaN", "Infinity", "-Infinity":
			return codecErrorf("cannot scan numeric %s into a decimal: decimal.Decimal has no %s", src, src)
		}
		if len(src) > maxNumericTextLength {
			return codecErrorf("invalid numeric text of %d bytes: longer than any numeric value", len(src))
		}
		var err error
		if v, err = numericFromText(src); err != nil {
			return codecErrorf("invalid numeric text of %d bytes", len(src))
		}
	}
	switch d := dst.(type) {
	case *decimal.Decimal:
		if src == nil {
			return errNullDecimal
		}
		*d = v
	case *decimal.NullDecimal:
		*d = decimal.NullDecimal{Decimal: v, Valid: src != nil}
	case *Null[decimal.Decimal]:
		*d = Null[decimal.Decimal]{V: v, Valid: src != nil}
	}
	return nil
}

// PostgreSQL's binary numeric: a header of four 16-bit fields (number of
// digits, weight of the first digit, sign, display scale) and then the
// digits in base 10000, most significant first. The value is
// sum(digit[i] * 10000^(weight-i)).
const (
	numericPos      = 0x0000
	numericNeg      = 0x4000
	numericNaN      = 0xC000
	numericPosInf   = 0xD000
	numericNegInf   = 0xF000
	numericMaxScale = 0x3FFF
)

var pow10 = [...]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// appendNumeric appends d in the binary numeric format. The display
// scale is d's number of decimal places, so 1.50 stays 1.50.
func appendNumeric(buf []byte, d decimal.Decimal) ([]byte, error) {
	exp := d.Exponent()
	if exp < -numericMaxScale {
		return nil, codecErrorf("cannot encode decimal: %d decimal places exceed numeric's maximum of %d", -exp, numericMaxScale)
	}
	dscale := 0
	if exp < 0 {
		dscale = int(-exp)
	}
	if d.Sign() == 0 {
		return binary.BigEndian.AppendUint64(buf, uint64(dscale)), nil
	}

	// The decimal digits of the coefficient's absolute value.
	var digitBuf [40]byte
	var digits []byte
	if d.NumDigits() <= 18 {
		c := d.CoefficientInt64()
		if c < 0 {
			c = -c
		}
		digits = strconv.AppendUint(digitBuf[:0], uint64(c), 10)
	} else {
		c := d.Coefficient()
		digits = c.Abs(c).Append(digitBuf[:0], 10)
	}
	// Trailing zeros only make trailing zero groups, which are dropped;
	// the display scale keeps them visible.
	n := len(digits)
	for n > 1 && digits[n-1] == '0' {
		n--
		exp++
	}
	digits = digits[:n]

	// intDigits is the number of digits before the decimal point; it may
	// be negative (0.001) or larger than n (1e30). Pad on the left so that
	// groups of four line up with the decimal point.
	intDigits := int64(n) + int64(exp)
	lpad := int((4 - intDigits%4) % 4)
	weight := (intDigits+int64(lpad))/4 - 1
	if weight > math.MaxInt16 || weight < math.MinInt16 {
		return nil, codecErrorf("cannot encode decimal: exponent %d is out of range for numeric", d.Exponent())
	}
	total := lpad + n
	ngroups := (total + 3) / 4
	if ngroups > math.MaxInt16 {
		return nil, codecErrorf("cannot encode decimal: %d digits are out of range for numeric", n)
	}

	var sign uint16 = numericPos
	if d.Sign() < 0 {
		sign = numericNeg
	}
	buf = binary.BigEndian.AppendUint16(buf, uint16(ngroups))
	buf = binary.BigEndian.AppendUint16(buf, uint16(int16(weight)))
	buf = binary.BigEndian.AppendUint16(buf, sign)
	buf = binary.BigEndian.AppendUint16(buf, uint16(dscale))
	for g := range ngroups {
		var v uint16
		for i := g * 4; i < g*4+4; i++ {
			v *= 10
			if j := i - lpad; j >= 0 && j < n {
				v += uint16(digits[j] - '0')
			}
		}
		buf = binary.BigEndian.AppendUint16(buf, v)
	}
	return buf, nil
}

// chunkDigits is how many decimal digits fit a uint: 19 or 9.
const chunkDigits = 9 + 10*(bits.UintSize/64)

// mulAddWords returns z*mul+add, for z the little-endian words of a
// natural number; it grows z when needed.
func mulAddWords(z []big.Word, mul, add uint) []big.Word {
	carry := add
	for i := range z {
		hi, lo := bits.Mul(uint(z[i]), mul)
		lo, c := bits.Add(lo, carry, 0)
		z[i] = big.Word(lo)
		carry = hi + c
	}
	if carry != 0 {
		z = append(z, big.Word(carry))
	}
	return z
}

// ten is 10 as a big.Int; shared read-only.
var ten = big.NewInt(10)

// parseNumeric decodes a binary numeric into a Decimal whose exponent is
// minus the display scale, as decimal.NewFromString does for the text
// form: 1.50 has coefficient 150 and exponent -2.
func parseNumeric(src []byte) (decimal.Decimal, error) {
	if len(src) < 8 {
		return decimal.Decimal{}, codecErrorf("invalid numeric: %d bytes is too short", len(src))
	}
	ndigits := int(binary.BigEndian.Uint16(src[0:]))
	weight := int(int16(binary.BigEndian.Uint16(src[2:])))
	sign := binary.BigEndian.Uint16(src[4:])
	dscale := int(binary.BigEndian.Uint16(src[6:]))
	switch sign {
	case numericPos, numericNeg:
	case numericNaN:
		return decimal.Decimal{}, codecErrorf("cannot scan numeric NaN into a decimal: decimal.Decimal has no NaN")
	case numericPosInf:
		return decimal.Decimal{}, codecErrorf("cannot scan numeric Infinity into a decimal: decimal.Decimal has no Infinity")
	case numericNegInf:
		return decimal.Decimal{}, codecErrorf("cannot scan numeric -Infinity into a decimal: decimal.Decimal has no -Infinity")
	default:
		return decimal.Decimal{}, codecErrorf("invalid numeric sign 0x%04x", sign)
	}
	if dscale > numericMaxScale {
		return decimal.Decimal{}, codecErrorf("invalid numeric display scale %d", dscale)
	}
	if ndigits > maxNumericGroups {
		return decimal.Decimal{}, codecErrorf("invalid numeric: %d digit groups, more than any numeric value has", ndigits)
	}
	if len(src) != 8+2*ndigits {
		return decimal.Decimal{}, codecErrorf("invalid numeric: %d digits in %d bytes", ndigits, len(src))
	}
	if ndigits == 0 {
		return decimal.New(0, int32(-dscale)), nil
	}
	digits := src[8:]
	group := func(i int) uint64 { return uint64(binary.BigEndian.Uint16(digits[2*i:])) }
	for i := range ndigits {
		if g := group(i); g > 9999 {
			return decimal.Decimal{}, codecErrorf("invalid numeric digit %d", g)
		}
	}

	// The digits read as one integer are the value times
	// 10000^(ndigits-1-weight); k is the power of ten that turns that
	// integer into the coefficient for exponent -dscale. PostgreSQL pads
	// the last group with up to three zeros past the display scale: they
	// are left out of the last group rather than divided away later.
	k := 4*(weight-ndigits+1) + dscale
	exp := -dscale
	lastWidth := 4
	if k < 0 {
		if k >= -3 && group(ndigits-1)%pow10[-k] == 0 {
			lastWidth = 4 + k
		} else {
			// More digits than the display scale: keep them all.
			exp += k
		}
		k = 0
	}
	groupAt := func(i int) (g uint64, width int) {
		if i == ndigits-1 {
			return group(i) / pow10[4-lastWidth], lastWidth
		}
		return group(i), 4
	}

	// Fast path: the coefficient fits an int64.
	var acc uint64
	fits := true
	for i := range ndigits {
		g, w := groupAt(i)
		if acc > (math.MaxUint64-g)/pow10[w] {
			fits = false
			break
		}
		acc = acc*pow10[w] + g
	}
	if fits && k > 0 {
		if k < len(pow10) && acc <= math.MaxUint64/pow10[k] {
			acc *= pow10[k]
		} else {
			fits = false
		}
	}
	if fits && acc <= math.MaxInt64 {
		v := int64(acc)
		if sign == numericNeg {
			v = -v
		}
		return decimal.New(v, int32(exp)), nil
	}

	// General path: build the coefficient's words directly, up to
	// chunkDigits decimal digits per multiply-add, on the stack when they
	// fit, so that the only allocations are the Decimal's own copy.
	var stack [8]big.Word
	words := stack[:0]
	if need := (ndigits*4*3402)/(1000*bits.UintSize) + 2; need > len(stack) {
		words = make([]big.Word, 0, need)
	}
	var chunk uint
	chunkWidth := 0
	for i := range ndigits {
		g, w := groupAt(i)
		if chunkWidth+w > chunkDigits {
			words = mulAddWords(words, uint(pow10[chunkWidth]), chunk)
			chunk, chunkWidth = 0, 0
		}
		chunk = chunk*uint(pow10[w]) + uint(g)
		chunkWidth += w
	}
	words = mulAddWords(words, uint(pow10[chunkWidth]), chunk)
	if k > 0 {
		// An integer with trailing zero groups beyond 10^19 or so.
		coef := new(big.Int).SetBits(words)
		coef.Mul(coef, new(big.Int).Exp(ten, big.NewInt(int64(k)), nil))
		if sign == numericNeg {
			coef.Neg(coef)
		}
		return decimal.NewFromBigInt(coef, int32(exp)), nil
	}
	var coef big.Int
	coef.SetBits(words)
	if sign == numericNeg {
		coef.Neg(&coef)
	}
	return decimal.NewFromBigInt(&coef, int32(exp)), nil
}
