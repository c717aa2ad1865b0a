package runtime

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// MaxDecimalDigits bounds the digits of a decimal read from text a
// client controls when no column precision is known: the JSON of a
// runtime.Opt[decimal.Decimal], a page cursor, ParseDecimal with
// precision 0. It is PostgreSQL's largest declared numeric precision.
// Parsing a decimal takes time that grows with the square of its digits,
// so a longer one is refused before it is parsed.
const MaxDecimalDigits = 1000

// maxDecimalExponent bounds the exponent of a decimal read from text:
// PostgreSQL's numeric holds up to 131072 digits before the decimal
// point and 16383 after it.
const maxDecimalExponent = 131072 + 16383

// maxNumericTextLength is the longest text of a numeric value
// PostgreSQL sends: a sign, 131072 digits, a point and 16383 digits.
const maxNumericTextLength = 1 + 131072 + 1 + 16383

// maxNumericGroups is the largest number of base-10000 digit groups of a
// binary numeric value PostgreSQL sends.
const maxNumericGroups = (131072+16383)/4 + 2

// errDecimalSyntax is the error of decimal text that is not a number.
var errDecimalSyntax = errors.New("not a decimal number")

// checkDecimalText checks, in one pass and without parsing, that s is a
// decimal number ([sign] digits [. digits] [e [sign] digits]) with at most
// maxDigits digits after its leading zeros and an exponent within
// PostgreSQL's range. Its errors quote nothing of s.
func checkDecimalText(s string, maxDigits int) error {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, significant := 0, 0
	point := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if significant > 0 || c != '0' {
				significant++
			}
			if significant > maxDigits {
				return fmt.Errorf("more than %d digits", maxDigits)
			}
		case c == '.' && !point:
			point = true
		case c == 'e' || c == 'E':
			if digits == 0 {
				return errDecimalSyntax
			}
			exp := s[i+1:]
			if len(exp) > 0 && (exp[0] == '+' || exp[0] == '-') {
				exp = exp[1:]
			}
			if exp == "" || len(exp) > 7 || strings.TrimLeft(exp, "0123456789") != "" {
				return errDecimalSyntax
			}
			if n, _ := strconv.Atoi(exp); n > maxDecimalExponent {
				return fmt.Errorf("exponent beyond %d", maxDecimalExponent)
			}
			return nil
		default:
			return errDecimalSyntax
		}
	}
	if digits == 0 {
		return errDecimalSyntax
	}
	return nil
}

// ParseDecimal parses s, a decimal number such as "-12.50" or "1.5e3",
// for a numeric(precision, scale) column, or an unconstrained numeric
// column when precision is 0. Before parsing, it refuses a number with
// more digits (after its leading zeros) than precision plus scale, or
// MaxDecimalDigits for precision 0, since parsing takes time that grows
// with the square of the digits; after parsing, it refuses a value the
// column cannot hold without rounding (see CheckNumeric). Its errors
// quote nothing of s.
func ParseDecimal(s string, precision, scale int) (decimal.Decimal, error) {
	limit := MaxDecimalDigits
	if precision > 0 {
		limit = precision + max(scale, 0)
	}
	if err := checkDecimalText(s, limit); err != nil {
		return decimal.Decimal{}, fmt.Errorf("invalid decimal: %w", err)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("invalid decimal: %w", errDecimalSyntax)
	}
	if precision > 0 {
		if msg := CheckNumeric(d, precision, scale); msg != "" {
			return decimal.Decimal{}, errors.New("invalid decimal: " + msg)
		}
	}
	return d, nil
}
