package pgtypes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Literal is how the literals of a type — column defaults and the fixed
// values of filters, written in a spec — are checked, put in canonical
// text, and written as SQL constants.
type Literal struct {
	// Kind names the kind of literal in messages and docs: "integer",
	// "date", "range of integer".
	Kind string
	// JSON is set for json and jsonb: a literal may also be a YAML
	// mapping or sequence, which the spec loader (the one that sees the
	// YAML) turns into JSON text.
	JSON bool
	// check returns the canonical text of a valid value, or a message
	// ready to report; nil for types that take no literal.
	check func(t *Type, v Value) (string, error)
	// bare writes a canonical literal as an SQL constant without quotes
	// and cast (booleans, numbers); nil writes 'text'::type.
	bare func(lit string) string
}

// Value is one literal as a spec wrote it, for CheckLiteral.
type Value struct {
	// Text is the scalar's text.
	Text string
	// Desc describes the value in messages: `string "abc"`, `number 12`.
	Desc string
	// Type is the column's type in canonical spelling, for messages
	// ("varchar(16)"); Args are its modifiers.
	Type string
	Args []int
}

// Accepts reports whether the type takes literal values at all.
func (l *Literal) Accepts() bool { return l.check != nil }

// CheckLiteral checks that v is a value of t and returns its canonical
// text: "true"/"false" for booleans, the decimal text of numbers, the
// raw (unquoted) text of strings, dates and times, lower-case hex for
// MAC addresses, PostgreSQL's text of ranges. The error is a message
// ready to report at the value's position.
func (t *Type) CheckLiteral(v Value) (string, error) {
	if t.Literal.check == nil {
		return "", fmt.Errorf("type %s takes no literal values; use {sql: \"...\"}", v.Type)
	}
	return t.Literal.check(t, v)
}

// LiteralSQL writes a canonical literal of t as an SQL constant, sqlType
// being the type as SQL spells it in a cast (numeric(18,2)): TRUE, 12.5,
// (-1), '2024-01-01'::date.
func (t *Type) LiteralSQL(lit, sqlType string) string {
	if t.Literal.bare != nil {
		return t.Literal.bare(lit)
	}
	return quoteLiteral(lit) + "::" + sqlType
}

// quoteLiteral quotes s as an SQL string constant.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// number writes a number as an SQL constant, a negative one in
// parentheses so that it binds as one operand.
func number(lit string) string {
	if strings.HasPrefix(lit, "-") {
		return "(" + lit + ")"
	}
	return lit
}

// The kinds of literal the rows of All use.
var (
	noLiteral  = &Literal{Kind: "none"}
	boolLit    = &Literal{Kind: "boolean", check: checkBool, bare: strings.ToUpper}
	intLit     = &Literal{Kind: "integer", check: checkInt, bare: number}
	decimalLit = &Literal{Kind: "decimal number", check: checkDecimal, bare: number}
	floatLit   = &Literal{Kind: "floating-point number", check: checkFloat, bare: number}
	textLit    = &Literal{Kind: "text", check: checkText}
	uuidLit    = &Literal{Kind: "UUID", check: checkUUID}
	dateLit    = &Literal{Kind: "date", check: checkDate}
	timeLit    = &Literal{Kind: "time of day", check: checkTime}
	stampLit   = &Literal{Kind: "timestamp", check: checkTimestamp}
	spanLit    = &Literal{Kind: "interval", check: checkInterval}
	jsonLit    = &Literal{Kind: "JSON", JSON: true, check: checkJSON}
	byteaLit   = &Literal{Kind: "bytea hex text", check: checkBytea}
	inetLit    = &Literal{Kind: "IP address or network", check: checkInet}
	cidrLit    = &Literal{Kind: "IP network", check: checkCidr}
	macLit     = &Literal{Kind: "MAC address", check: checkMac}
	mac8Lit    = &Literal{Kind: "EUI-64 MAC address", check: checkMac8}
	bitLit     = &Literal{Kind: "bit string", check: checkBits}
)

func checkBool(_ *Type, v Value) (string, error) {
	switch strings.ToLower(v.Text) {
	case "true", "false":
		return strings.ToLower(v.Text), nil
	}
	return "", fmt.Errorf("expected true or false, got %s", v.Desc)
}

func checkInt(t *Type, v Value) (string, error) {
	s := strings.TrimSpace(v.Text)
	if len(s) > 100 {
		return "", fmt.Errorf("%q is not an integer", Clip(s))
	}
	i, ok := new(big.Int).SetString(s, 0)
	if !ok {
		return "", fmt.Errorf("expected an integer, got %s", v.Desc)
	}
	r := t.Int
	if !i.IsInt64() || i.Int64() < r.Min || i.Int64() > r.Max {
		return "", fmt.Errorf("%s is out of range for %s (%d to %d)", Clip(s), t.Name, r.Min, r.Max)
	}
	return i.String(), nil
}

func checkDecimal(_ *Type, v Value) (string, error) {
	d, err := ParseDecimal(v.Text)
	if err != nil {
		return "", err
	}
	if err := d.Fits(v.Args); err != nil {
		return "", err
	}
	return d.String(), nil
}

func checkFloat(t *Type, v Value) (string, error) {
	switch strings.ToLower(v.Text) {
	case ".nan", "nan":
		return "NaN", nil
	case ".inf", "+.inf", "infinity", "+infinity", "inf":
		return "Infinity", nil
	case "-.inf", "-infinity", "-inf":
		return "-Infinity", nil
	}
	if !decimalRE.MatchString(v.Text) {
		return "", fmt.Errorf("%q is not a number", Clip(v.Text))
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v.Text, "_", ""), t.FloatBits)
	if err != nil {
		return "", fmt.Errorf("%s is out of range for %s", Clip(v.Text), t.Name)
	}
	return strconv.FormatFloat(f, 'g', -1, t.FloatBits), nil
}

func checkText(t *Type, v Value) (string, error) {
	if n := t.MaxLen(v.Args); n > 0 {
		if l := utf8.RuneCountInString(v.Text); l > n {
			return "", fmt.Errorf("%q is %d characters, longer than %s allows", Clip(v.Text), l, v.Type)
		}
	}
	return v.Text, nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

func checkUUID(_ *Type, v Value) (string, error) {
	if !uuidRE.MatchString(v.Text) {
		return "", fmt.Errorf("%q is not a UUID", Clip(v.Text))
	}
	h := strings.ToLower(strings.ReplaceAll(v.Text, "-", ""))
	if len(h) != 32 {
		return "", fmt.Errorf("%q is not a UUID", Clip(v.Text))
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func isInfinity(v string) bool {
	return v == "infinity" || v == "-infinity"
}

func checkDate(_ *Type, v Value) (string, error) {
	if isInfinity(v.Text) {
		return v.Text, nil
	}
	if _, err := time.Parse("2006-01-02", v.Text); err != nil {
		return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", Clip(v.Text))
	}
	return v.Text, nil
}

func checkTime(_ *Type, v Value) (string, error) {
	if !validTime(v.Text) {
		return "", fmt.Errorf("%q is not a time (HH:MM[:SS[.ffffff]])", Clip(v.Text))
	}
	return v.Text, nil
}

func checkTimestamp(_ *Type, v Value) (string, error) {
	if isInfinity(v.Text) || validTimestamp(v.Text) {
		return v.Text, nil
	}
	return "", fmt.Errorf("%q is not a timestamp (RFC 3339 or YYYY-MM-DD HH:MM:SS[.ffffff][±hh[:mm]])", Clip(v.Text))
}

func checkInterval(_ *Type, v Value) (string, error) {
	if strings.TrimSpace(v.Text) == "" {
		return "", errors.New("an interval must not be empty (e.g. \"1 day\")")
	}
	return v.Text, nil
}

// checkJSON checks JSON text; the spec loader converts YAML mappings and
// sequences itself (Literal.JSON).
func checkJSON(_ *Type, v Value) (string, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(v.Text)); err != nil {
		return "", fmt.Errorf("%q is not valid JSON; write a mapping or sequence, or quote JSON text", Clip(v.Text))
	}
	return buf.String(), nil
}

var byteaRE = regexp.MustCompile(`^\\x([0-9a-fA-F]{2})*$`)

func checkBytea(_ *Type, v Value) (string, error) {
	if !byteaRE.MatchString(v.Text) {
		return "", fmt.Errorf("%q is not bytea hex text; write '\\x' followed by pairs of hex digits, in single quotes", Clip(v.Text))
	}
	return v.Text, nil
}

func checkInet(_ *Type, v Value) (string, error) {
	if net.ParseIP(v.Text) != nil {
		return v.Text, nil
	}
	if _, _, err := net.ParseCIDR(v.Text); err == nil {
		return v.Text, nil
	}
	return "", fmt.Errorf("%q is not an IP address or network", Clip(v.Text))
}

func checkCidr(_ *Type, v Value) (string, error) {
	if net.ParseIP(v.Text) != nil {
		return v.Text, nil
	}
	ip, ipnet, err := net.ParseCIDR(v.Text)
	if err != nil {
		return "", fmt.Errorf("%q is not a network (address/bits)", Clip(v.Text))
	}
	if !ip.Equal(ip.Mask(ipnet.Mask)) {
		return "", fmt.Errorf("%q has bits set to the right of the mask; use %q", Clip(v.Text), ipnet.String())
	}
	return v.Text, nil
}

// macRE matches the forms PostgreSQL reads a macaddr in: 08:00:2b:01:02:03,
// 08-00-2b-01-02-03, 08002b:010203, 08002b-010203, 0800.2b01.0203,
// 0800-2b01-0203 and 08002b010203.
var macRE = regexp.MustCompile(`(?i)^(?:[0-9a-f]{2}(?::[0-9a-f]{2}){5}|[0-9a-f]{2}(?:-[0-9a-f]{2}){5}|[0-9a-f]{6}[:-][0-9a-f]{6}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}|[0-9a-f]{12})$`)

func checkMac(_ *Type, v Value) (string, error) {
	s := strings.TrimSpace(v.Text)
	if !macRE.MatchString(s) {
		return "", fmt.Errorf("%q is not a MAC address (six bytes such as 08:00:2b:01:02:03)", Clip(v.Text))
	}
	return macText(strings.NewReplacer(":", "", "-", "", ".", "").Replace(s)), nil
}

// macText writes the bytes of a MAC address given as hex digits as
// PostgreSQL prints them: lower case, colon-separated.
func macText(hex string) string {
	hex = strings.ToLower(hex)
	parts := make([]string, len(hex)/2)
	for i := range parts {
		parts[i] = hex[2*i : 2*i+2]
	}
	return strings.Join(parts, ":")
}

// checkMac8 takes the forms PostgreSQL reads a macaddr8 in: eight bytes
// of hex digits, alone or in groups of whole bytes split by one kind of
// separator (08:00:2b:01:02:03:04:05, 0800.2b01.0203.0405,
// 08002b:0102030405, 08002b0102030405), and writes them as eight
// colon-separated bytes in lower case.
func checkMac8(_ *Type, v Value) (string, error) {
	s := strings.TrimSpace(v.Text)
	sep := strings.IndexAny(s, ":.-")
	groups := []string{s}
	if sep >= 0 {
		groups = strings.Split(s, s[sep:sep+1])
	}
	var h strings.Builder
	ok := true
	for _, g := range groups {
		if g == "" || len(g)%2 != 0 || strings.Trim(strings.ToLower(g), "0123456789abcdef") != "" {
			ok = false
		}
		h.WriteString(strings.ToLower(g))
	}
	if !ok || h.Len() != 16 {
		return "", fmt.Errorf("%q is not an EUI-64 MAC address (eight bytes such as 08:00:2b:01:02:03:04:05)", Clip(v.Text))
	}
	return macText(h.String()), nil
}

// checkBits takes a bit string as its bits (1010): exactly n of them
// for bit(n), at most n for bit varying(n).
func checkBits(t *Type, v Value) (string, error) {
	s := strings.TrimSpace(v.Text)
	if s == "" || strings.Trim(s, "01") != "" {
		return "", fmt.Errorf("%q is not a bit string (bits 0 and 1, such as 1010)", Clip(v.Text))
	}
	args := v.Args
	if len(args) == 0 {
		args = t.DefaultArgs
	}
	n := arg(args, 0, 0)
	switch {
	case t.Name == "bit" && len(s) != n:
		return "", fmt.Errorf("%q has %d bits; type %s takes exactly %d", Clip(v.Text), len(s), v.Type, n)
	case n > 0 && len(s) > n:
		return "", fmt.Errorf("%q has %d bits; type %s takes at most %d", Clip(v.Text), len(s), v.Type, n)
	}
	return s, nil
}

var timeRE = regexp.MustCompile(`^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?$`)

func validTime(v string) bool {
	m := timeRE.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	s := 0
	if m[3] != "" {
		s, _ = strconv.Atoi(m[3])
	}
	if h == 24 {
		return mi == 0 && s == 0 && !strings.Contains(v, ".")
	}
	return h < 24 && mi < 60 && s < 60
}

var timestampRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|z|[+-]\d{2}(?::?\d{2})?)?$`)

func validTimestamp(v string) bool {
	m := timestampRE.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	if _, err := time.Parse("2006-01-02", m[1]); err != nil {
		return false
	}
	clock := m[2]
	if i := strings.IndexByte(clock, '.'); i >= 0 {
		clock = clock[:i]
	}
	if !validTime(clock) {
		return false
	}
	if z := m[3]; len(z) > 1 {
		h, _ := strconv.Atoi(z[1:3])
		mi := 0
		if rest := strings.TrimPrefix(z[3:], ":"); rest != "" {
			mi, _ = strconv.Atoi(rest)
		}
		if h > 15 || mi > 59 {
			return false
		}
	}
	return true
}
