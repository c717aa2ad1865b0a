package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// literal checks that n is a value of type t and returns its canonical
// text (see Default.Literal). The error is a message ready to report at
// n's position.
func literal(n *node, t Type) (string, error) {
	return (&literalChecker{}).check(n, t)
}

// literalChecker checks literals, indexing enum labels once.
type literalChecker struct {
	labels map[*Enum]map[string]bool
}

// hasLabel reports whether e has the label v.
func (lc *literalChecker) hasLabel(e *Enum, v string) bool {
	if lc.labels == nil {
		lc.labels = map[*Enum]map[string]bool{}
	}
	set, ok := lc.labels[e]
	if !ok {
		set = make(map[string]bool, len(e.Values))
		for _, ev := range e.Values {
			set[ev.Name] = true
		}
		lc.labels[e] = set
	}
	return set[v]
}

// check is literal with the checker's index of enum labels.
func (lc *literalChecker) check(n *node, t Type) (string, error) {
	if n.isNull() {
		return "", errors.New("null is not a value here; nullable columns already default to NULL")
	}
	if t.ArrayDims > 0 {
		if n.kind != sequenceNode {
			return "", fmt.Errorf("expected a sequence for type %s, got %s", t, describe(n))
		}
		s, _, err := lc.arrayLiteral(n, t)
		return s, err
	}
	if t.Name == "json" || t.Name == "jsonb" {
		return jsonLiteral(n)
	}
	if n.kind != scalarNode {
		return "", fmt.Errorf("expected a %s value, got %s", t, describe(n))
	}
	v := n.value
	if t.Enum != nil {
		if lc.hasLabel(t.Enum, v) {
			return v, nil
		}
		var hint string
		if len(t.Enum.Values) <= maxSuggestCands {
			labels := make([]string, len(t.Enum.Values))
			for i, ev := range t.Enum.Values {
				labels[i] = ev.Name
			}
			hint = didYouMean(v, labels)
		}
		return "", fmt.Errorf("%q is not a value of enum %q%s", clip(v), t.Enum.Name, hint)
	}
	switch t.Name {
	case "boolean":
		switch strings.ToLower(v) {
		case "true", "false":
			return strings.ToLower(v), nil
		}
		return "", fmt.Errorf("expected true or false, got %s", describe(n))
	case "smallint", "integer", "bigint":
		return intLiteral(n, t.Name)
	case "numeric":
		d, err := parseDecimal(v)
		if err != nil {
			return "", err
		}
		if err := d.fits(t.Args); err != nil {
			return "", err
		}
		return d.String(), nil
	case "real", "double precision":
		return floatLiteral(v, t.Name)
	case "text", "varchar", "char", "citext":
		if n := t.maxLen(); n > 0 {
			if l := utf8.RuneCountInString(v); l > n {
				return "", fmt.Errorf("%q is %d characters, longer than %s allows", clip(v), l, t)
			}
		}
		return v, nil
	case "uuid":
		return uuidLiteral(v)
	case "date":
		if isInfinity(v) {
			return v, nil
		}
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", clip(v))
		}
		return v, nil
	case "time":
		if !validTime(v) {
			return "", fmt.Errorf("%q is not a time (HH:MM[:SS[.ffffff]])", clip(v))
		}
		return v, nil
	case "timestamp", "timestamptz":
		if isInfinity(v) || validTimestamp(v) {
			return v, nil
		}
		return "", fmt.Errorf("%q is not a timestamp (RFC 3339 or YYYY-MM-DD HH:MM:SS[.ffffff][±hh[:mm]])", clip(v))
	case "interval":
		if strings.TrimSpace(v) == "" {
			return "", errors.New("an interval must not be empty (e.g. \"1 day\")")
		}
		return v, nil
	case "inet":
		if net.ParseIP(v) != nil {
			return v, nil
		}
		if _, _, err := net.ParseCIDR(v); err == nil {
			return v, nil
		}
		return "", fmt.Errorf("%q is not an IP address or network", clip(v))
	case "cidr":
		if net.ParseIP(v) != nil {
			return v, nil
		}
		ip, ipnet, err := net.ParseCIDR(v)
		if err != nil {
			return "", fmt.Errorf("%q is not a network (address/bits)", clip(v))
		}
		if !ip.Equal(ip.Mask(ipnet.Mask)) {
			return "", fmt.Errorf("%q has bits set to the right of the mask; use %q", clip(v), ipnet.String())
		}
		return v, nil
	case "bytea":
		if !byteaRE.MatchString(v) {
			return "", fmt.Errorf("%q is not bytea hex text; write '\\x' followed by pairs of hex digits, in single quotes", clip(v))
		}
		return v, nil
	}
	return "", fmt.Errorf("type %s takes no literal values; use {sql: \"...\"}", t)
}

var byteaRE = regexp.MustCompile(`^\\x([0-9a-fA-F]{2})*$`)

func isInfinity(v string) bool {
	return v == "infinity" || v == "-infinity"
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

var intRanges = map[string][2]int64{
	"smallint": {math.MinInt16, math.MaxInt16},
	"integer":  {math.MinInt32, math.MaxInt32},
	"bigint":   {math.MinInt64, math.MaxInt64},
}

func intLiteral(n *node, typ string) (string, error) {
	v := strings.TrimSpace(n.value)
	if len(v) > 100 {
		return "", fmt.Errorf("%q is not an integer", clip(v))
	}
	i, ok := new(big.Int).SetString(v, 0)
	if !ok {
		return "", fmt.Errorf("expected an integer, got %s", describe(n))
	}
	r := intRanges[typ]
	if !i.IsInt64() || i.Int64() < r[0] || i.Int64() > r[1] {
		return "", fmt.Errorf("%s is out of range for %s (%d to %d)", clip(v), typ, r[0], r[1])
	}
	return i.String(), nil
}

func floatLiteral(v, typ string) (string, error) {
	bits := 64
	if typ == "real" {
		bits = 32
	}
	switch strings.ToLower(v) {
	case ".nan", "nan":
		return "NaN", nil
	case ".inf", "+.inf", "infinity", "+infinity", "inf":
		return "Infinity", nil
	case "-.inf", "-infinity", "-inf":
		return "-Infinity", nil
	}
	if !decimalRE.MatchString(v) {
		return "", fmt.Errorf("%q is not a number", clip(v))
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), bits)
	if err != nil {
		return "", fmt.Errorf("%s is out of range for %s", clip(v), typ)
	}
	return strconv.FormatFloat(f, 'g', -1, bits), nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

func uuidLiteral(v string) (string, error) {
	if !uuidRE.MatchString(v) {
		return "", fmt.Errorf("%q is not a UUID", clip(v))
	}
	h := strings.ToLower(strings.ReplaceAll(v, "-", ""))
	if len(h) != 32 {
		return "", fmt.Errorf("%q is not a UUID", clip(v))
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// decimalRE matches decimal numbers, with an optional exponent.
var decimalRE = regexp.MustCompile(`^[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// decimal is a parsed decimal number: sign, integer digits (no leading
// zeros) and fraction digits (no trailing zeros).
type decimal struct {
	neg       bool
	int, frac string
}

// parseDecimal parses decimal text as written in YAML ("12.50", "1e3",
// "-0.5", "0x1F").
func parseDecimal(v string) (decimal, error) {
	var d decimal
	s := strings.TrimSpace(v)
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0o") || strings.HasPrefix(s, "0b") ||
		strings.HasPrefix(s, "-0x") || strings.HasPrefix(s, "-0o") || strings.HasPrefix(s, "-0b") {
		i, ok := new(big.Int).SetString(s, 0)
		if !ok || len(s) > 100 {
			return d, fmt.Errorf("%q is not a number", clip(v))
		}
		s = i.String()
	}
	if !decimalRE.MatchString(s) {
		return d, fmt.Errorf("%q is not a number", clip(v))
	}
	s = strings.ReplaceAll(s, "_", "")
	if s[0] == '+' || s[0] == '-' {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 1000 || e < -1000 {
			return d, fmt.Errorf("%q: exponent out of range", clip(v))
		}
		exp = e
		s = s[:i]
	}
	intPart, fracPart := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, fracPart = s[:i], s[i+1:]
	}
	all := intPart + fracPart
	point := len(intPart) + exp
	if point < 0 {
		all = strings.Repeat("0", -point) + all
		point = 0
	}
	if point > len(all) {
		all += strings.Repeat("0", point-len(all))
	}
	d.int = strings.TrimLeft(all[:point], "0")
	d.frac = strings.TrimRight(all[point:], "0")
	if d.int == "" && d.frac == "" {
		d.neg = false
	}
	return d, nil
}

// String returns the canonical text: "-12.5", "0", "1000".
func (d decimal) String() string {
	s := d.int
	if s == "" {
		s = "0"
	}
	if d.frac != "" {
		s += "." + d.frac
	}
	if d.neg {
		s = "-" + s
	}
	return s
}

// fits checks d against numeric(p,s) modifiers.
func (d decimal) fits(args []int) error {
	if len(args) == 0 {
		return nil
	}
	p, s := args[0], 0
	if len(args) > 1 {
		s = args[1]
	}
	if len(d.int) > p-s {
		return fmt.Errorf("%s does not fit numeric(%d,%d): at most %d digits before the decimal point", d, p, s, p-s)
	}
	if len(d.frac) > s {
		return fmt.Errorf("%s does not fit numeric(%d,%d): at most %d digits after the decimal point", d, p, s, s)
	}
	return nil
}

// rat returns d as an exact rational.
func (d decimal) rat() *big.Rat {
	r, _ := new(big.Rat).SetString(d.String())
	return r
}

// arrayLiteral renders a sequence as PostgreSQL array text. It returns
// the shape of the array so sub-arrays can be compared.
func (lc *literalChecker) arrayLiteral(n *node, t Type) (string, string, error) {
	var b strings.Builder
	b.WriteByte('{')
	shape := ""
	for i, it := range n.items {
		if i > 0 {
			b.WriteByte(',')
		}
		if t.ArrayDims > 1 {
			if it.kind != sequenceNode {
				return "", "", fmt.Errorf("element %d: expected a sequence for type %s, got %s", i+1, t.Elem().String()+strings.Repeat("[]", t.ArrayDims-1), describe(it))
			}
			sub := t
			sub.ArrayDims--
			s, sh, err := lc.arrayLiteral(it, sub)
			if err != nil {
				return "", "", fmt.Errorf("element %d: %w", i+1, err)
			}
			if i > 0 && sh != shape {
				return "", "", fmt.Errorf("element %d: sub-arrays must all have the same length", i+1)
			}
			shape = sh
			b.WriteString(s)
			continue
		}
		if it.isNull() {
			b.WriteString("NULL")
			continue
		}
		s, err := lc.check(it, t.Elem())
		if err != nil {
			return "", "", fmt.Errorf("element %d: %w", i+1, err)
		}
		b.WriteString(quoteArrayElem(s))
	}
	b.WriteByte('}')
	return b.String(), strconv.Itoa(len(n.items)) + "x" + shape, nil
}

// quoteArrayElem quotes one element of PostgreSQL array text when needed.
func quoteArrayElem(s string) string {
	if s != "" && !strings.EqualFold(s, "null") && !strings.ContainsAny(s, "{}[]\",\\ \t\n\r\v\f") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// jsonLiteral turns a YAML value into compact JSON text: mappings and
// sequences are converted (keys in written order), a string must hold
// JSON text.
func jsonLiteral(n *node) (string, error) {
	if n.kind == scalarNode && n.tag == "!!str" {
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(n.value)); err != nil {
			return "", fmt.Errorf("%q is not valid JSON; write a mapping or sequence, or quote JSON text", clip(n.value))
		}
		return buf.String(), nil
	}
	var b strings.Builder
	if err := writeJSON(&b, n); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJSON(b *strings.Builder, n *node) error {
	switch n.kind {
	case mappingNode:
		b.WriteByte('{')
		for i, p := range n.pairs {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, p.key.value)
			b.WriteByte(':')
			if err := writeJSON(b, p.value); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case sequenceNode:
		b.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, it); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	switch n.tag {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		b.WriteString(strings.ToLower(n.value))
	case "!!int":
		i, ok := new(big.Int).SetString(n.value, 0)
		if !ok {
			return fmt.Errorf("%q is not a JSON number", clip(n.value))
		}
		b.WriteString(i.String())
	case "!!float":
		d, err := parseDecimal(n.value)
		if err != nil {
			return fmt.Errorf("%q is not a JSON number", clip(n.value))
		}
		b.WriteString(d.String())
	default:
		writeJSONString(b, n.value)
	}
	return nil
}

func writeJSONString(b *strings.Builder, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// sqlValueFuncs are the SQL value functions written without parentheses.
var sqlValueFuncs = map[string]bool{
	"current_timestamp": true, "current_date": true, "current_time": true,
	"localtimestamp": true, "localtime": true, "current_user": true,
}

var funcCallRE = regexp.MustCompile(`(?s)^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\s*\(.*\)$`)

// isExpr reports whether a default scalar is an SQL expression: a plain
// (unquoted, untagged) function call or SQL value function. Quoted text
// is always a literal.
func isExpr(n *node) bool {
	if n.kind != scalarNode || !n.plain || n.tag != "!!str" {
		return false
	}
	v := strings.TrimSpace(n.value)
	return sqlValueFuncs[strings.ToLower(v)] || funcCallRE.MatchString(v)
}
