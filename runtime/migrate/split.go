package migrate

import (
	"fmt"
	"strings"
)

// Statement is one SQL statement of a migration file.
type Statement struct {
	// SQL is the statement's text without the terminating semicolon and
	// without the comments and blank lines before it.
	SQL string
	// Offset is the byte offset of SQL in the file, and Line its 1-based
	// line number there.
	Offset int
	Line   int

	kind     statementKind
	backfill *backfillDirective
}

// FirstLine returns the statement's first line, cut to 80 bytes, for
// messages.
func (s Statement) FirstLine() string {
	line := s.SQL
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i] + " …"
	}
	if len(line) > 80 {
		line = line[:77] + "…"
	}
	return line
}

// splitStatements splits SQL text into statements at top-level
// semicolons. It understands single-quoted strings (with doubled quotes and, for
// E'…', backslash escapes), quoted identifiers, dollar-quoted bodies
// ($$…$$, $fn$…$fn$), line and nested block comments, the BEGIN
// ATOMIC … END bodies of SQL-standard functions, and parentheses: as
// psql, it does not split at a semicolon inside them, such as those
// between the actions of CREATE RULE … DO ( …; … ). base is the offset of
// src in its file, for positions.
func splitStatements(file string, src string, base int, lineOf func(int) int) ([]Statement, error) {
	var (
		out    []Statement
		start  = -1 // start of the current statement, -1 between statements
		atomic = 0  // >0 inside BEGIN ATOMIC: nesting of CASE … END
		parens = 0  // nesting of parentheses
		prevW  string
	)
	flush := func(end int) {
		if start < 0 {
			return
		}
		text := strings.TrimRightFunc(src[start:end], isSpace)
		if text != "" {
			out = append(out, Statement{SQL: text, Offset: base + start, Line: lineOf(base + start)})
		}
		start = -1
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				i = len(src)
			} else {
				i += j + 1
			}
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j, ok := skipComment(src, i)
			if !ok {
				return nil, fmt.Errorf("%s: line %d: unterminated /* comment", file, lineOf(base+i))
			}
			i = j
			continue
		case isSpace(rune(c)):
			i++
			continue
		}
		if start < 0 {
			start = i
		}
		switch {
		case c == ';' && atomic == 0 && parens == 0:
			flush(i)
			prevW = ""
			i++
		case c == '(':
			parens++
			i++
		case c == ')':
			if parens > 0 {
				parens--
			}
			i++
		case c == '\'':
			j, ok := skipString(src, i)
			if !ok {
				return nil, fmt.Errorf("%s: line %d: unterminated string", file, lineOf(base+i))
			}
			i = j
		case c == '"':
			j, ok := skipQuoted(src, i, '"', false)
			if !ok {
				return nil, fmt.Errorf("%s: line %d: unterminated quoted identifier", file, lineOf(base+i))
			}
			i = j
		case c == '$':
			tag, ok := dollarTag(src[i:])
			if !ok {
				i++
				continue
			}
			j, ok := skipDollarQuoted(src, i, tag)
			if !ok {
				return nil, fmt.Errorf("%s: line %d: unterminated dollar-quoted string %s", file, lineOf(base+i), tag)
			}
			i = j
		case isWordByte(c):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			w := strings.ToUpper(src[i:j])
			switch {
			case w == "ATOMIC" && prevW == "BEGIN" && atomic == 0:
				atomic = 1
			case atomic > 0 && w == "CASE":
				atomic++
			case atomic > 0 && w == "END":
				atomic--
			}
			prevW = w
			i = j
		default:
			i++
		}
	}
	flush(len(src))
	return out, nil
}

// skipComment returns the index just after the block comment starting at
// src[i] ("/*"), nested comments included, or len(src) and false when it
// is not closed.
func skipComment(src string, i int) (int, bool) {
	depth, j := 1, i+2
	for j < len(src) && depth > 0 {
		switch {
		case strings.HasPrefix(src[j:], "/*"):
			depth++
			j += 2
		case strings.HasPrefix(src[j:], "*/"):
			depth--
			j += 2
		default:
			j++
		}
	}
	return j, depth == 0
}

// skipString is skipQuoted for the string constant starting at src[i],
// with backslash escapes when it is an E'…' constant.
func skipString(src string, i int) (int, bool) {
	escapes := i > 0 && (src[i-1] == 'E' || src[i-1] == 'e') && (i < 2 || !isWordByte(src[i-2]))
	return skipQuoted(src, i, '\'', escapes)
}

// skipDollarQuoted returns the index just after the dollar-quoted string
// starting at src[i] with tag (see dollarTag), or len(src) and false when
// it is not closed.
func skipDollarQuoted(src string, i int, tag string) (int, bool) {
	end := strings.Index(src[i+len(tag):], tag)
	if end < 0 {
		return len(src), false
	}
	return i + len(tag) + end + len(tag), true
}

// skipQuoted returns the index just after the quoted text starting at
// src[i] (a quote character q), doubling q as its escape, and backslash
// escapes when escapes is set; len(src) and false when it is not closed.
func skipQuoted(src string, i int, q byte, escapes bool) (int, bool) {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if escapes {
				j++
			}
		case q:
			if j+1 < len(src) && src[j+1] == q {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return len(src), false
}

// dollarTag returns the dollar-quote opening tag at the start of s ("$$"
// or "$name$"), if there is one.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' && j > 1:
		default:
			return "", false
		}
	}
	return "", false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' }
