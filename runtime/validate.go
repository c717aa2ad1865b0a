package runtime

import (
	"errors"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// The named formats a spec column may declare with validate:, each a
// regular expression the whole value must match, except url (see IsURL).
// Generated Validate methods call the Is… functions below; the migration
// schema turns the same expressions into CHECK constraints, so the
// database enforces exactly what the code does. They use only syntax
// RE2 and PostgreSQL's regular expressions share, over ASCII.
const (
	// EmailPattern is the rule of HTML's <input type=email> (WHATWG),
	// with at least one dot in the domain: a local part of letters,
	// digits and !#$%&'*+/=?^_`{|}~.- , an @, and dot-separated labels of
	// letters, digits and inner hyphens, each at most 63 characters.
	EmailPattern = "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
	// UUIDPattern is the canonical text form of a UUID, in either case:
	// 8-4-4-4-12 hexadecimal digits.
	UUIDPattern = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
	// HostnamePattern is an RFC 1123 host name: dot-separated labels of
	// letters, digits and inner hyphens, each 1 to 63 characters. IsHostname
	// also bounds the whole name to 253 characters.
	HostnamePattern = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
	// E164Pattern is an E.164 phone number: a plus sign and 2 to 15
	// digits, the first not 0.
	E164Pattern = "\\+[1-9][0-9]{1,14}"
	// SlugPattern is a URL slug: lower-case ASCII letters and digits in
	// groups joined by single hyphens.
	SlugPattern = "[a-z0-9]+(?:-[a-z0-9]+)*"
	// AlphaPattern is one or more ASCII letters.
	AlphaPattern = "[A-Za-z]+"
	// AlphanumericPattern is one or more ASCII letters and digits.
	AlphanumericPattern = "[A-Za-z0-9]+"
)

// MaxHostnameLength is the longest host name IsHostname accepts.
const MaxHostnameLength = 253

// FormatPattern returns the regular expression of a named format
// ("email", "uuid", "hostname", "e164", "slug", "alpha",
// "alphanumeric"), unanchored, and whether there is one; "url" has none.
func FormatPattern(format string) (string, bool) {
	switch format {
	case "email":
		return EmailPattern, true
	case "uuid":
		return UUIDPattern, true
	case "hostname":
		return HostnamePattern, true
	case "e164":
		return E164Pattern, true
	case "slug":
		return SlugPattern, true
	case "alpha":
		return AlphaPattern, true
	case "alphanumeric":
		return AlphanumericPattern, true
	}
	return "", false
}

// anchored compiles a format pattern to match whole values only.
func anchored(p string) *regexp.Regexp { return regexp.MustCompile("^(?:" + p + ")$") }

var (
	emailRE        = anchored(EmailPattern)
	uuidRE         = anchored(UUIDPattern)
	hostnameRE     = anchored(HostnamePattern)
	e164RE         = anchored(E164Pattern)
	slugRE         = anchored(SlugPattern)
	alphaRE        = anchored(AlphaPattern)
	alphanumericRE = anchored(AlphanumericPattern)
)

// IsEmail reports whether s is an email address by EmailPattern.
func IsEmail(s string) bool { return emailRE.MatchString(s) }

// IsUUID reports whether s is a UUID in canonical text form.
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// IsHostname reports whether s is an RFC 1123 host name of at most 253
// characters.
func IsHostname(s string) bool { return len(s) <= MaxHostnameLength && hostnameRE.MatchString(s) }

// IsE164 reports whether s is a phone number in E.164 form (+14155550123).
func IsE164(s string) bool { return e164RE.MatchString(s) }

// IsSlug reports whether s is a slug such as "hello-world-2".
func IsSlug(s string) bool { return slugRE.MatchString(s) }

// IsAlpha reports whether s is one or more ASCII letters.
func IsAlpha(s string) bool { return alphaRE.MatchString(s) }

// IsAlphanumeric reports whether s is one or more ASCII letters and digits.
func IsAlphanumeric(s string) bool { return alphanumericRE.MatchString(s) }

// IsURL reports whether s is an absolute URL with a scheme and a host,
// such as https://example.com/a?b. It has no CHECK constraint
// counterpart: PostgreSQL cannot parse URLs the way net/url does.
func IsURL(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != "" && u.Opaque == ""
}

// Validator is an insert or update struct of generated code. Its
// Validate checks first what the columns' types cannot hold (nil for a
// NOT NULL column, NUL bytes or invalid UTF-8 in text, invalid JSON,
// more digits than numeric(p,s) takes, times out of PostgreSQL's
// range), then the spec's rules (enum labels, lengths in characters,
// bounds, formats, patterns and not_empty); an update struct's checks
// only the fields that are set. It returns nil, or a *DbError of kind
// Validation whose Fields list every failing field by its JSON name,
// each with the first check it fails. Every generated write method calls
// it before any SQL is sent.
type Validator interface {
	Validate() error
}

// ValidateAll validates every row of a batch (CreateMany,
// CreateManyReturning) and returns nil, or one *DbError of
// KindValidation listing the failing fields of every failing row, each
// named "[i].field" after the row's index.
func ValidateAll[T any, P interface {
	*T
	Validator
}](rows []T) error {
	return validateAll(len(rows), func(i int) error { return P(&rows[i]).Validate() })
}

// validateAll validates n rows, row i with validate(i), as ValidateAll.
func validateAll(n int, validate func(i int) error) error {
	var v validationErrors
	for i := range n {
		if err := validate(i); err != nil {
			v.add(i, err)
		}
	}
	return v.err()
}

// validationErrors gathers the validation errors of rows, as ValidateAll
// reports them.
type validationErrors struct {
	fields []FieldError
	table  string
}

// add records the error of validating row i.
func (v *validationErrors) add(i int, err error) {
	var de *DbError
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		v.fields = append(v.fields, FieldError{Field: "[" + strconv.Itoa(i) + "]", Message: err.Error()})
		return
	}
	v.table = de.Table
	for _, f := range de.Fields {
		v.fields = append(v.fields, FieldError{Field: "[" + strconv.Itoa(i) + "]." + f.Field, Message: f.Message})
	}
}

// err returns nil when no row failed, or a *DbError of kind Validation
// listing the failing fields of every row.
func (v *validationErrors) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return NewValidationError("", v.table, v.fields)
}

// LongerThan reports whether s has more than n characters (runes, as
// PostgreSQL counts the length of varchar(n) and char_length), counting
// only when its bytes could be more.
func LongerThan(s string, n int) bool {
	return len(s) > n && utf8.RuneCountInString(s) > n
}

// ShorterThan reports whether s has fewer than n characters.
func ShorterThan(s string, n int) bool {
	return len(s) < n || utf8.RuneCountInString(s) < n
}

// Checks of what a column's type can hold, for the generated Validate
// methods: each returns "" when the value fits, otherwise the message of
// a FieldError, which never repeats the value. They catch before any SQL
// what the server would refuse as a data exception (KindValidation
// without a field name) or, worse, store changed (numeric rounds extra
// decimal places away):
//
//	if msg := runtime.CheckText(v); msg != "" {
//		fields = append(fields, runtime.FieldError{Field: "title", Message: msg})
//	}

// CheckText checks a value for a text, varchar or char column: PostgreSQL
// text holds valid UTF-8 without the NUL character.
func CheckText(s string) string {
	// One pass over a short value costs less than setting up the two
	// below: is it ASCII without NUL, eight bytes at a time? A byte b is
	// 1 to 0x7f exactly when neither b-1 nor b has its high bit set, and
	// a borrow out of a byte only ever follows a zero byte, which fails
	// anyway. Short values are read as two overlapping words.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	const ones32, highs32 = 0x01010101, 0x80808080
	switch n := len(s); {
	case n > shortText:
	case n >= 8:
		var w uint64
		for i := 0; i+8 <= n; i += 8 {
			w |= (word64(s[i:]) - ones) | word64(s[i:])
		}
		if ((word64(s[n-8:])-ones)|word64(s[n-8:])|w)&highs == 0 {
			return ""
		}
	case n >= 4:
		w := uint64(word32(s)) | uint64(word32(s[n-4:]))<<32
		if ((w-ones)|w)&highs == 0 {
			return ""
		}
	case n > 0:
		// s[0], s[n/2] and s[n-1] are every byte of 1 to 3, in a word
		// whose fourth byte (1) passes.
		w := uint32(s[0]) | uint32(s[n/2])<<8 | uint32(s[n-1])<<16 | 1<<24
		if ((w-ones32)|w)&highs32 == 0 {
			return ""
		}
	default:
		return ""
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "must not contain the NUL character (U+0000)"
	}
	if !utf8.ValidString(s) {
		return "must be valid UTF-8 text"
	}
	return ""
}

// shortText is the length up to which CheckText tries one pass over
// ASCII before its vectorized passes.
const shortText = 64

// word64 returns the first eight bytes of s, little-endian.
func word64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// word32 returns the first four bytes of s, little-endian.
func word32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// CheckTexts checks the elements of a value for a text[] (or varchar[])
// column as CheckText does, naming the first element that fails by its
// index.
func CheckTexts(s []string) string {
	return checkElems(s, CheckText)
}

// CheckMAC checks a value for a macaddr column: 6 bytes, the only length
// the column holds (pgx sends the bytes as they are, and the server
// cannot read another length). nil passes (it is sent as NULL).
func CheckMAC(b net.HardwareAddr) string {
	if b == nil || len(b) == 6 {
		return ""
	}
	return "must be a MAC address of 6 bytes"
}

// CheckMAC8 checks a value for a macaddr8 column: 8 bytes, or 6, which
// PostgreSQL stores in EUI-64 form (FF:FE in the middle). nil passes.
func CheckMAC8(b net.HardwareAddr) string {
	if b == nil || len(b) == 6 || len(b) == 8 {
		return ""
	}
	return "must be a MAC address of 8 bytes (or 6)"
}

// CheckMACs checks the elements of a value for a macaddr[] column as
// CheckMAC does, naming the first element that fails by its index.
func CheckMACs(s []net.HardwareAddr) string {
	return checkElems(s, CheckMAC)
}

// CheckMAC8s checks the elements of a value for a macaddr8[] column as
// CheckMAC8 does.
func CheckMAC8s(s []net.HardwareAddr) string {
	return checkElems(s, CheckMAC8)
}

// checkElems returns the message of the first element of s that check
// refuses, prefixed with its index.
func checkElems[E any](s []E, check func(E) string) string {
	for i, e := range s {
		if msg := check(e); msg != "" {
			return "element " + strconv.Itoa(i) + " " + msg
		}
	}
	return ""
}

// CheckJSON checks a value for a json column: a JSON document (what
// json.Valid accepts) in valid UTF-8. nil passes (it is sent as NULL).
func CheckJSON(b []byte) string {
	if b == nil {
		return ""
	}
	return jsonMessages[checkJSON(b, false)]
}

// CheckJSONB checks a value for a jsonb column: what CheckJSON checks,
// and, in strings, no \u0000 escape and no \u escape of half a surrogate
// pair, which jsonb cannot store as text (json can).
func CheckJSONB(b []byte) string {
	if b == nil {
		return ""
	}
	return jsonMessages[checkJSON(b, true)]
}

// jsonMessages are the messages of CheckJSON and CheckJSONB.
var jsonMessages = [...]string{
	jsonOK:            "",
	jsonSyntax:        "must be a valid JSON document",
	jsonUTF8:          "must be valid UTF-8 text",
	jsonNulEscape:     `must not contain the escape \u0000 in a string: jsonb cannot store it`,
	jsonLoneSurrogate: `must not contain half a surrogate pair (a lone \ud800-\udfff escape) in a string: jsonb cannot store it`,
}

// FitsNumeric reports whether d can be stored in a numeric(precision,
// scale) column unchanged: with no more digits after the decimal point
// than scale (trailing zeros aside; PostgreSQL would round the others
// away) and an absolute value below 10^(precision-scale) (PostgreSQL
// would refuse it with SQLSTATE 22003, numeric field overflow).
func FitsNumeric(d decimal.Decimal, precision, scale int) bool {
	return numericProblem(d, precision, scale) == numericFits
}

// CheckNumeric checks a value for a numeric(precision, scale) column as
// FitsNumeric does, and returns "" when it fits, or why not as a
// FieldError message. A precision of 0 (unconstrained numeric) always
// fits.
func CheckNumeric(d decimal.Decimal, precision, scale int) string {
	return numericMessage(numericProblem(d, precision, scale), precision, scale)
}

// numericMessage is CheckNumeric's message for problem p.
func numericMessage(p numericFit, precision, scale int) string {
	switch p {
	case numericTooManyDecimals:
		switch {
		case scale > 0:
			return "must have at most " + strconv.Itoa(scale) + " digits after the decimal point"
		case scale == 0:
			return "must be a whole number"
		}
		return "must be a multiple of 1e" + strconv.Itoa(-scale)
	case numericTooLarge:
		if n := precision - scale; n > 0 {
			return "must have at most " + strconv.Itoa(n) + " digits before the decimal point"
		}
		return "must be less than 1e" + strconv.Itoa(precision-scale) + " in absolute value"
	}
	return ""
}

type numericFit uint8

const (
	numericFits numericFit = iota
	numericTooManyDecimals
	numericTooLarge
)

func numericProblem(d decimal.Decimal, precision, scale int) numericFit {
	if precision <= 0 {
		// An unconstrained numeric holds any value.
		return numericFits
	}
	exp := int(d.Exponent())
	if n := d.NumDigits(); n <= maxInt64Digits {
		// The coefficient fits an int64 (NumDigits counts it without
		// allocating then): the same checks without big.Int arithmetic.
		if -exp <= scale && n+exp <= precision-scale {
			return numericFits // no digit to cut, and few enough before the point
		}
		c := d.CoefficientInt64()
		if c == 0 {
			return numericFits
		}
		if c < 0 {
			c = -c // |c| < 1e18: no overflow
		}
		// More digits after the point than scale: only zeros may be cut,
		// the last cut digits of the coefficient.
		if cut := -exp - scale; cut > 0 && (cut > maxInt64Digits || c%pow10Int64[cut] != 0) {
			return numericTooManyDecimals
		}
		if n+exp > precision-scale {
			return numericTooLarge
		}
		return numericFits
	}
	if -exp > scale {
		// More digits after the point than scale: only zeros may be cut.
		if cut := d.Shift(int32(scale)).Truncate(0).Shift(int32(-scale)); !cut.Equal(d) {
			return numericTooManyDecimals
		}
	}
	// A coefficient of n digits times 10^exp is below 10^limit in
	// absolute value exactly when n+exp <= limit.
	if d.Sign() != 0 && d.NumDigits()+exp > precision-scale {
		return numericTooLarge
	}
	return numericFits
}

// maxInt64Digits is the most decimal digits numericProblem's fast path
// takes in a coefficient: every number of 18 digits fits an int64.
const maxInt64Digits = 18

// pow10Int64 holds 10^0 … 10^18.
var pow10Int64 = [maxInt64Digits + 1]int64{
	1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
}

// integer is any Go integer type.
type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// FitsInt reports whether v fits PostgreSQL's signed integer of bits
// bits: 16 (smallint), 32 (integer) or 64 (bigint). For a Go type that
// is wider than its column (a go_type of int on an integer column, a
// uint64 on a bigint), pgx refuses the values that do not fit only when
// it encodes them.
func FitsInt[T integer](v T, bits int) bool {
	lo, hi := intRange(bits)
	if v < 0 {
		return int64(v) >= lo
	}
	return uint64(v) <= uint64(hi)
}

// CheckInt checks a value for a smallint (bits 16), integer (32) or
// bigint (64) column as FitsInt does.
func CheckInt[T integer](v T, bits int) string {
	if FitsInt(v, bits) {
		return ""
	}
	lo, hi := intRange(bits)
	return "must be between " + strconv.FormatInt(lo, 10) + " and " + strconv.FormatInt(hi, 10)
}

func intRange(bits int) (lo, hi int64) {
	switch bits {
	case 16:
		return math.MinInt16, math.MaxInt16
	case 32:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// The ranges of PostgreSQL's timestamp and date types, in the proleptic
// Gregorian calendar Go uses (year -4713 is 4714 BC).
var (
	minTimestamp = time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC)
	endTimestamp = time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC) // first instant out of range
	endDate      = time.Date(5874898, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	timestampRangeMessage = "must be between 4714-11-24 BC and 294276-12-31 AD"
	dateRangeMessage      = "must be between 4714-11-24 BC and 5874897-12-31 AD"
)

// CheckTimestamptz checks a value for a timestamptz column: the instant,
// in UTC, must lie in PostgreSQL's range (4714 BC to 294276 AD).
func CheckTimestamptz(t time.Time) string {
	// Both ends are whole seconds, so comparing t's Unix seconds with
	// theirs is what t.Before(minTimestamp) || !t.Before(endTimestamp)
	// says, without converting t.
	if s := t.Unix(); s < minTimestampUnix || s >= endTimestampUnix {
		return timestampRangeMessage
	}
	return ""
}

// The ends of the timestamp range in Unix seconds, for CheckTimestamptz.
var (
	minTimestampUnix = minTimestamp.Unix()
	endTimestampUnix = endTimestamp.Unix()
)

// CheckTimestamp checks a value for a timestamp (without time zone)
// column, whose wall clock pgx sends as it reads in t's location.
func CheckTimestamp(t time.Time) string {
	return CheckTimestamptz(wallClock(t))
}

// CheckDate checks a value for a date column: the date of t's wall clock
// must lie in PostgreSQL's range (4714 BC to 5874897 AD).
func CheckDate(t time.Time) string {
	w := wallClock(t)
	if w.Before(minTimestamp) || !w.Before(endDate) {
		return dateRangeMessage
	}
	return ""
}

// CheckBit checks a value for a bit(n) column, which holds exactly n
// bits: the message when b has another number (PostgreSQL refuses it),
// or when its Bytes do not hold its Len bits (bitsShape); NULL (Valid
// false) passes.
func CheckBit(b pgtype.Bits, n int) string {
	if msg := bitsShape(b); msg != "" || !b.Valid || int(b.Len) == n {
		return msg
	}
	return "must be exactly " + bitCount(n)
}

// CheckVarbit checks a value for a bit varying(n) column, which holds at
// most n bits (any number when n is 0): the message when b has more
// (PostgreSQL refuses it), or when its Bytes do not hold its Len bits
// (bitsShape); NULL (Valid false) passes.
func CheckVarbit(b pgtype.Bits, n int) string {
	if msg := bitsShape(b); msg != "" || !b.Valid || n == 0 || int(b.Len) <= n {
		return msg
	}
	return "must be at most " + bitCount(n)
}

// bitsShape is the message when b is not NULL and its Bytes are not
// (Len+7)/8 bytes, the room its Len bits take: pgx sends Len and the
// bytes as they are, and the server would read past the bytes sent, or
// not all of them.
func bitsShape(b pgtype.Bits) string {
	if b.Valid && (b.Len < 0 || len(b.Bytes) != (int(b.Len)+7)/8) {
		return "must hold its Len bits in (Len+7)/8 bytes"
	}
	return ""
}

// bitCount is "1 bit", "8 bits".
func bitCount(n int) string {
	if n == 1 {
		return "1 bit"
	}
	return strconv.Itoa(n) + " bits"
}

// wallClock returns t's wall clock as a time in UTC.
func wallClock(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}

// The limits of a tsvector's lexemes, PostgreSQL's MAXSTRLEN, MAXNUMPOS
// and MAXENTRYPOS.
const (
	tsvectorMaxWord      = 1<<11 - 1
	tsvectorMaxPositions = 256
	tsvectorMaxPosition  = 1<<14 - 1
)

// CheckTSVector checks a value for a tsvector column, which pgx sends in
// PostgreSQL's binary form: each lexeme's word valid UTF-8 text of at
// most 2047 bytes without the NUL character (which would end the word
// early, so that the server reads the rest as positions), and at most
// 256 positions, each at most 16383 (pgx keeps the low 14 bits of a
// larger one) and greater than the one before, with a weight of A, B, C
// or D, or 0 for D (pgx stores another as D). NULL (Valid false) passes.
func CheckTSVector(v pgtype.TSVector) string {
	if !v.Valid {
		return ""
	}
	for i, l := range v.Lexemes {
		msg := CheckText(l.Word)
		switch {
		case msg != "":
		case len(l.Word) > tsvectorMaxWord:
			msg = "must be at most " + strconv.Itoa(tsvectorMaxWord) + " bytes long"
		case len(l.Positions) > tsvectorMaxPositions:
			msg = "must have at most " + strconv.Itoa(tsvectorMaxPositions) + " positions"
		default:
			msg = tsvectorPositions(l.Positions)
		}
		if msg != "" {
			return "lexeme " + strconv.Itoa(i) + " " + msg
		}
	}
	return ""
}

// tsvectorPositions is the message when the positions of a lexeme are
// not ascending, within range and of a known weight.
func tsvectorPositions(ps []pgtype.TSVectorPosition) string {
	for j, p := range ps {
		switch {
		case p.Position > tsvectorMaxPosition:
			return "must have positions of at most " + strconv.Itoa(tsvectorMaxPosition)
		case j > 0 && p.Position <= ps[j-1].Position:
			return "must have ascending positions, each once"
		}
		switch p.Weight {
		case pgtype.TSVectorWeightA, pgtype.TSVectorWeightB, pgtype.TSVectorWeightC, pgtype.TSVectorWeightD, 0:
		default:
			return "must have positions of weight A, B, C or D"
		}
	}
	return ""
}

// CheckTSVectors checks the elements of a value for a tsvector[] column
// as CheckTSVector does.
func CheckTSVectors(s []pgtype.TSVector) string {
	return checkElems(s, CheckTSVector)
}
