package pgtypes

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// decimalRE matches decimal numbers, with an optional exponent.
var decimalRE = regexp.MustCompile(`^[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// Decimal is a parsed decimal number: sign, integer digits (no leading
// zeros) and fraction digits (no trailing zeros).
type Decimal struct {
	neg       bool
	int, frac string
}

// ParseDecimal parses decimal text as written in YAML ("12.50", "1e3",
// "-0.5", "0x1F", "1_000"). The error is a message ready to report.
func ParseDecimal(v string) (Decimal, error) {
	var d Decimal
	s := strings.TrimSpace(v)
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0o") || strings.HasPrefix(s, "0b") ||
		strings.HasPrefix(s, "-0x") || strings.HasPrefix(s, "-0o") || strings.HasPrefix(s, "-0b") {
		i, ok := new(big.Int).SetString(s, 0)
		if !ok || len(s) > 100 {
			return d, fmt.Errorf("%q is not a number", Clip(v))
		}
		s = i.String()
	}
	if !decimalRE.MatchString(s) {
		return d, fmt.Errorf("%q is not a number", Clip(v))
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
			return d, fmt.Errorf("%q: exponent out of range", Clip(v))
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
func (d Decimal) String() string {
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

// IsWhole reports whether d has no fraction digits.
func (d Decimal) IsWhole() bool { return d.frac == "" }

// Fits checks d against the modifiers of numeric(p,s) (none: any value).
func (d Decimal) Fits(args []int) error {
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

// Rat returns d as an exact rational.
func (d Decimal) Rat() *big.Rat {
	r, _ := new(big.Rat).SetString(d.String())
	return r
}

// Clip shortens long values quoted in messages, here and in the spec
// loader's.
func Clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}
