package pgtypes

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// rangeLiteral is the literal kind of a range type over the element type
// named elem. Literals are PostgreSQL's range text: "[1,10)", "(,5]",
// "empty", with each bound a literal of the element type (double-quoted
// when it holds spaces or punctuation). The canonical text is the one
// PostgreSQL prints back, so that a default reads the same from the
// catalog: discrete ranges (integers, dates) in [lower,upper) form, an
// absent bound with a parenthesis, an empty range as "empty".
func rangeLiteral(elem string) *Literal {
	return &Literal{Kind: "range of " + elem, check: func(t *Type, v Value) (string, error) {
		return checkRange(t, v)
	}}
}

// rangeBound is one bound of a range literal.
type rangeBound struct {
	text      string // canonical element text
	inclusive bool
	absent    bool
}

func checkRange(t *Type, v Value) (string, error) {
	s := strings.TrimSpace(v.Text)
	if strings.EqualFold(s, "empty") {
		return "empty", nil
	}
	bad := func(why string) error {
		return fmt.Errorf("%q is not a %s range (%s); write [lower,upper), (lower,upper], [lower,) or empty", Clip(v.Text), t.Name, why)
	}
	if len(s) < 3 || (s[0] != '[' && s[0] != '(') || (s[len(s)-1] != ']' && s[len(s)-1] != ')') {
		return "", bad("it must start with [ or ( and end with ] or )")
	}
	texts, quoted, err := splitRange(s[1 : len(s)-1])
	if err != nil {
		return "", bad(err.Error())
	}
	elem := t.Elem
	bounds := [2]rangeBound{{inclusive: s[0] == '['}, {inclusive: s[len(s)-1] == ']'}}
	for i, which := range []string{"lower", "upper"} {
		if texts[i] == "" && !quoted[i] {
			bounds[i].absent, bounds[i].inclusive = true, false
			continue
		}
		lit, err := elem.CheckLiteral(Value{Text: texts[i], Desc: strconv.Quote(texts[i]), Type: elem.Name})
		if err != nil {
			return "", fmt.Errorf("range %q: %s bound: %w", Clip(v.Text), which, err)
		}
		bounds[i].text = lit
	}
	lo, hi := &bounds[0], &bounds[1]
	if t.discrete() {
		// PostgreSQL's canonical form of a discrete range: [lower,upper),
		// infinite dates left as they are.
		if !lo.absent && !lo.inclusive && !isInfinity(lo.text) {
			if lo.text, err = elem.succ(elem, lo.text); err != nil {
				return "", fmt.Errorf("range %q: lower bound: %w", Clip(v.Text), err)
			}
			lo.inclusive = true
		}
		if !hi.absent && hi.inclusive && !isInfinity(hi.text) {
			if hi.text, err = elem.succ(elem, hi.text); err != nil {
				return "", fmt.Errorf("range %q: upper bound: %w", Clip(v.Text), err)
			}
			hi.inclusive = false
		}
	}
	if !lo.absent && !hi.absent && elem.order != nil {
		if c, ok := elem.order(lo.text, hi.text); ok {
			switch {
			case c > 0:
				return "", fmt.Errorf("range %q: the lower bound must not be greater than the upper bound", Clip(v.Text))
			case c == 0 && !(lo.inclusive && hi.inclusive):
				return "empty", nil
			}
		}
	}
	var b strings.Builder
	if lo.inclusive {
		b.WriteByte('[')
	} else {
		b.WriteByte('(')
	}
	if !lo.absent {
		b.WriteString(quoteRangeBound(lo.text))
	}
	b.WriteByte(',')
	if !hi.absent {
		b.WriteString(quoteRangeBound(hi.text))
	}
	if hi.inclusive {
		b.WriteByte(']')
	} else {
		b.WriteByte(')')
	}
	return b.String(), nil
}

// splitRange splits the inside of a range literal at its one comma
// outside double quotes, removing quotes and backslash escapes. quoted
// tells an empty quoted bound ("") from an absent one.
func splitRange(s string) (texts [2]string, quoted [2]bool, err error) {
	var cur strings.Builder
	part := 0
	inQuotes := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '"':
			inQuotes = !inQuotes
			quoted[part] = true
		case c == ',' && !inQuotes:
			if part == 1 {
				return texts, quoted, fmt.Errorf("more than two bounds")
			}
			texts[0] = cur.String()
			cur.Reset()
			part = 1
		default:
			cur.WriteByte(c)
		}
	}
	if inQuotes {
		return texts, quoted, fmt.Errorf("unbalanced quotes")
	}
	if part == 0 {
		return texts, quoted, fmt.Errorf("no comma between the bounds")
	}
	texts[1] = cur.String()
	for i := range texts {
		if !quoted[i] {
			texts[i] = strings.TrimSpace(texts[i])
		}
	}
	return texts, quoted, nil
}

// quoteRangeBound double-quotes a bound when PostgreSQL's range text
// needs it.
func quoteRangeBound(s string) string {
	if s != "" && !strings.ContainsAny(s, "\"\\,()[] \t\n\r\v\f") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// discrete reports whether t is a range over a discrete element type,
// whose canonical form PostgreSQL writes as [lower,upper).
func (t *Type) discrete() bool {
	return t.Elem != nil && t.Elem.succ != nil
}

// stepInt returns the integer after lit, an integer of t.
func stepInt(t *Type, lit string) (string, error) {
	n, err := strconv.ParseInt(lit, 10, 64)
	if err != nil || n == math.MaxInt64 || n+1 > t.Int.Max {
		return "", fmt.Errorf("%s has no successor in %s", lit, t.Name)
	}
	return strconv.FormatInt(n+1, 10), nil
}

// stepDate returns the day after lit, a date.
func stepDate(_ *Type, lit string) (string, error) {
	d, err := time.Parse("2006-01-02", lit)
	if err != nil {
		return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", lit)
	}
	return d.AddDate(0, 0, 1).Format("2006-01-02"), nil
}

// compareNumbers orders two canonical numbers.
func compareNumbers(a, b string) (int, bool) {
	da, err1 := ParseDecimal(a)
	db, err2 := ParseDecimal(b)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return da.Rat().Cmp(db.Rat()), true
}

// compareDates orders two canonical dates.
func compareDates(a, b string) (int, bool) {
	rank := func(s string) (int, string) {
		switch s {
		case "-infinity":
			return -1, ""
		case "infinity":
			return 1, ""
		}
		return 0, s
	}
	ra, sa := rank(a)
	rb, sb := rank(b)
	if ra != rb {
		if ra < rb {
			return -1, true
		}
		return 1, true
	}
	return strings.Compare(sa, sb), true
}
