package generator

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"unicode"
)

// maxPortableRepeat is the largest bound PostgreSQL's regular expressions
// accept in {m,n} (RE_DUP_MAX).
const maxPortableRepeat = 255

// maxPortableRanges bounds the ranges of a character class rendered for
// PostgreSQL; a class with more (\pL, say) stays a Go-only check.
const maxPortableRanges = 64

// pgPattern renders an RE2 pattern (Go's syntax) as a PostgreSQL
// advanced regular expression matching exactly the same strings, anchored
// at both ends, or reports that the pattern uses syntax the two do not
// share. Portable are literals, character classes (\d, \w, \s, [a-z],
// negated ones; case folding with (?i)), . (which, as in
// Go, does not match a newline unless (?s) is set), ^ and $ at the ends
// of the text, groups, alternation, and the repetitions * + ? {m,n} with
// bounds up to 255. Not portable: \b and \B, multi-line mode ((?m)),
// Unicode classes with many ranges, empty alternatives, repetition bounds
// above 255.
//
// The pattern is rebuilt from Go's parse tree rather than passed on, so
// that escapes mean the same to both engines: outside brackets every
// character other than an ASCII letter or digit is escaped (\. or
// \u00E9), inside them every character brackets give a meaning, and
// anything not printable ASCII.
func pgPattern(pattern string) (string, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("^(?:")
	if err := renderPG(&b, re); err != nil {
		return "", err
	}
	b.WriteString(")$")
	return b.String(), nil
}

func renderPG(b *strings.Builder, re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && unicode.SimpleFold(r) != r {
				// Every rune of r's case-folding orbit, as Go matches them
				// (k also matches the Kelvin sign).
				b.WriteString("[")
				for f := r; ; {
					b.WriteString(pgClassRune(f))
					if f = unicode.SimpleFold(f); f == r {
						break
					}
				}
				b.WriteString("]")
				continue
			}
			b.WriteString(pgRune(r))
		}
	case syntax.OpCharClass:
		return renderClass(b, re.Rune)
	case syntax.OpAnyCharNotNL:
		b.WriteString(`[^\n]`)
	case syntax.OpAnyChar:
		b.WriteString(".")
	case syntax.OpBeginText:
		b.WriteString("^")
	case syntax.OpEndText:
		b.WriteString("$")
	case syntax.OpCapture:
		b.WriteString("(")
		if err := renderPG(b, re.Sub[0]); err != nil {
			return err
		}
		b.WriteString(")")
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		if err := renderAtom(b, re.Sub[0]); err != nil {
			return err
		}
		switch re.Op {
		case syntax.OpStar:
			b.WriteString("*")
		case syntax.OpPlus:
			b.WriteString("+")
		case syntax.OpQuest:
			b.WriteString("?")
		default:
			if re.Min > maxPortableRepeat || re.Max > maxPortableRepeat {
				return fmt.Errorf("repetition bounds above %d are not portable", maxPortableRepeat)
			}
			switch {
			case re.Max == -1:
				fmt.Fprintf(b, "{%d,}", re.Min)
			case re.Max == re.Min:
				fmt.Fprintf(b, "{%d}", re.Min)
			default:
				fmt.Fprintf(b, "{%d,%d}", re.Min, re.Max)
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpAlternate {
				b.WriteString("(?:")
				if err := renderPG(b, sub); err != nil {
					return err
				}
				b.WriteString(")")
				continue
			}
			if err := renderPG(b, sub); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		for i, sub := range re.Sub {
			if i > 0 {
				b.WriteString("|")
			}
			if sub.Op == syntax.OpEmptyMatch {
				return fmt.Errorf("an empty alternative is not portable")
			}
			if err := renderPG(b, sub); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%s is not portable", opName(re.Op))
	}
	return nil
}

// renderAtom renders the operand of a repetition, grouped unless it is
// one character, a class or a group.
func renderAtom(b *strings.Builder, re *syntax.Regexp) error {
	single := re.Op == syntax.OpCharClass || re.Op == syntax.OpAnyChar || re.Op == syntax.OpAnyCharNotNL ||
		re.Op == syntax.OpCapture || (re.Op == syntax.OpLiteral && len(re.Rune) == 1)
	if single {
		return renderPG(b, re)
	}
	b.WriteString("(?:")
	if err := renderPG(b, re); err != nil {
		return err
	}
	b.WriteString(")")
	return nil
}

// renderClass renders a character class given as sorted ranges; a class
// reaching the last code point is written negated.
func renderClass(b *strings.Builder, ranges []rune) error {
	negate := len(ranges) > 0 && ranges[0] == 0 && ranges[len(ranges)-1] == unicode.MaxRune
	if negate {
		var comp []rune
		next := rune(0)
		for i := 0; i < len(ranges); i += 2 {
			if ranges[i] > next {
				comp = append(comp, next, ranges[i]-1)
			}
			next = ranges[i+1] + 1
		}
		ranges = comp
	}
	if len(ranges)/2 > maxPortableRanges {
		return fmt.Errorf("a character class of %d ranges is not portable", len(ranges)/2)
	}
	if len(ranges) == 0 {
		return fmt.Errorf("an empty character class is not portable")
	}
	b.WriteString("[")
	if negate {
		b.WriteString("^")
	}
	for i := 0; i < len(ranges); i += 2 {
		b.WriteString(pgClassRune(ranges[i]))
		if ranges[i+1] != ranges[i] {
			b.WriteString("-" + pgClassRune(ranges[i+1]))
		}
	}
	b.WriteString("]")
	return nil
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// pgRune writes r outside brackets: ASCII letters and digits as they are,
// other printable ASCII after a backslash, anything else as \uXXXX.
func pgRune(r rune) string {
	switch {
	case isASCIIAlnum(r):
		return string(r)
	case r > ' ' && r < unicode.MaxASCII:
		return `\` + string(r)
	}
	return pgEscape(r)
}

// pgClassRune writes r inside brackets: printable ASCII as it is, except
// the characters brackets give a meaning (] \ ^ - [), and anything else as
// \uXXXX.
func pgClassRune(r rune) string {
	if r > ' ' && r < unicode.MaxASCII && !strings.ContainsRune(`]\^-[`, r) {
		return string(r)
	}
	return pgEscape(r)
}

// pgEscape is PostgreSQL's character-entry escape of r.
func pgEscape(r rune) string {
	if r <= 0xFFFF {
		return fmt.Sprintf(`\u%04X`, r)
	}
	return fmt.Sprintf(`\U%08X`, r)
}

// opName names a regexp operator in messages.
func opName(op syntax.Op) string {
	switch op {
	case syntax.OpBeginLine, syntax.OpEndLine:
		return "multi-line ^ or $"
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return `\b or \B`
	case syntax.OpEmptyMatch:
		return "an empty pattern"
	case syntax.OpNoMatch:
		return "a pattern that matches nothing"
	}
	return fmt.Sprintf("operator %d", op)
}
