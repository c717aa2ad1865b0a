package spec

import (
	"fmt"
	"strings"
)

// sqlTokKind tells the tokens of SQL text apart.
type sqlTokKind int

const (
	// tokWord is a keyword or an unquoted identifier.
	tokWord sqlTokKind = iota
	// tokQuoted is a quoted identifier ("Name").
	tokQuoted
	// tokString is a string constant: '…', E'…', $tag$…$tag$.
	tokString
	// tokNumber is a numeric constant.
	tokNumber
	// tokPunct is one punctuation or operator character, or a $n
	// parameter.
	tokPunct
)

// sqlTok is one token of SQL text; comments and white space are not
// tokens.
type sqlTok struct {
	kind sqlTokKind
	text string // as written
	off  int    // byte offset of text in the source
}

// end is the byte offset just after the token.
func (t sqlTok) end() int { return t.off + len(t.text) }

// is reports whether t is the keyword w (lower case).
func (t sqlTok) is(w string) bool { return t.kind == tokWord && strings.EqualFold(t.text, w) }

// punct reports whether t is the punctuation character c.
func (t sqlTok) punct(c string) bool { return t.kind == tokPunct && t.text == c }

// ident returns the name t spells: an unquoted word folded to lower case
// as PostgreSQL does, a quoted identifier unquoted; "" for other tokens.
func (t sqlTok) ident() string {
	switch t.kind {
	case tokWord:
		return strings.ToLower(t.text)
	case tokQuoted:
		return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
	}
	return ""
}

// norm is the token as it takes part in a normalized text: words in
// lower case, everything else as written.
func (t sqlTok) norm() string {
	if t.kind == tokWord {
		return strings.ToLower(t.text)
	}
	return t.text
}

// sqlError is a problem in SQL text at a byte offset.
type sqlError struct {
	off int
	msg string
}

func (e *sqlError) Error() string { return e.msg }

// lexSQL splits SQL text into tokens. It understands single-quoted
// strings (doubled quotes; backslash escapes after E), quoted
// identifiers, dollar-quoted strings ($$…$$, $fn$…$fn$), line comments
// and nested block comments. It fails only on text that never ends: an
// unterminated string, identifier or comment.
func lexSQL(src string) ([]sqlTok, error) {
	var out []sqlTok
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			start, depth := i, 0
			for i < len(src) {
				if strings.HasPrefix(src[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(src[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
			if depth > 0 {
				return nil, &sqlError{start, "unterminated block comment /*"}
			}
		case c == '\'':
			end, err := stringEnd(src, i, false)
			if err != nil {
				return nil, err
			}
			out = append(out, sqlTok{tokString, src[i:end], i})
			i = end
		case c == '"':
			j := i + 1
			for {
				k := strings.IndexByte(src[j:], '"')
				if k < 0 {
					return nil, &sqlError{i, "unterminated quoted identifier"}
				}
				j += k + 1
				if j < len(src) && src[j] == '"' {
					j++
					continue
				}
				break
			}
			out = append(out, sqlTok{tokQuoted, src[i:j], i})
			i = j
		case c == '$':
			if tag, ok := dollarTag(src, i); ok {
				k := strings.Index(src[i+len(tag):], tag)
				if k < 0 {
					return nil, &sqlError{i, "unterminated dollar-quoted string " + tag}
				}
				end := i + len(tag) + k + len(tag)
				out = append(out, sqlTok{tokString, src[i:end], i})
				i = end
				continue
			}
			j := i + 1
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			out = append(out, sqlTok{tokPunct, src[i:j], i})
			i = j
		case isWordStart(c):
			j := i + 1
			for j < len(src) && (isWordStart(src[j]) || src[j] >= '0' && src[j] <= '9' || src[j] == '$') {
				j++
			}
			if j-i == 1 && (c == 'e' || c == 'E') && j < len(src) && src[j] == '\'' {
				end, err := stringEnd(src, j, true)
				if err != nil {
					return nil, err
				}
				out = append(out, sqlTok{tokString, src[i:end], i})
				i = end
				continue
			}
			out = append(out, sqlTok{tokWord, src[i:j], i})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == '_' ||
				src[j] == 'e' || src[j] == 'E' || (src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E')) {
				j++
			}
			out = append(out, sqlTok{tokNumber, src[i:j], i})
			i = j
		default:
			out = append(out, sqlTok{tokPunct, src[i : i+1], i})
			i++
		}
	}
	return out, nil
}

// stringEnd returns the offset after the single-quoted string starting
// at src[i]; escapes allows backslash escapes (E'…').
func stringEnd(src string, i int, escapes bool) (int, error) {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if escapes {
				j++
			}
		case '\'':
			if j+1 < len(src) && src[j+1] == '\'' {
				j++
				continue
			}
			return j + 1, nil
		}
	}
	return 0, &sqlError{i, "unterminated string constant"}
}

func isWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

// sqlStmt is one statement of SQL text: its tokens, without the
// terminating semicolon.
type sqlStmt struct {
	toks []sqlTok
}

// start and end are the byte offsets of the statement's first token and
// of the end of its last.
func (s sqlStmt) start() int { return s.toks[0].off }
func (s sqlStmt) end() int   { return s.toks[len(s.toks)-1].end() }

// splitSQL splits tokens into statements at semicolons outside the
// BEGIN ATOMIC … END body of an SQL-standard function. Empty statements
// are dropped.
func splitSQL(toks []sqlTok) []sqlStmt {
	var out []sqlStmt
	start, atomic := 0, 0
	for i, t := range toks {
		switch {
		case atomic == 0 && t.is("atomic") && i > 0 && toks[i-1].is("begin"):
			atomic = 1
		case atomic > 0 && t.is("case"):
			atomic++
		case atomic > 0 && t.is("end"):
			atomic--
		case atomic == 0 && t.punct(";"):
			if i > start {
				out = append(out, sqlStmt{toks: toks[start:i]})
			}
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, sqlStmt{toks: toks[start:]})
	}
	return out
}

// normText joins tokens in their normalized form, one space apart: two
// spellings of the same tokens (case of keywords, white space, comments)
// give the same text.
func normText(toks []sqlTok) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.norm()
	}
	return strings.Join(parts, " ")
}

// sourceOf returns the source text from the first token to the end of
// the last, as written.
func sourceOf(src string, toks []sqlTok) string {
	if len(toks) == 0 {
		return ""
	}
	return src[toks[0].off:toks[len(toks)-1].end()]
}

// qualName is a possibly schema-qualified name in SQL text.
type qualName struct {
	schema, name string
	// text is the name as written ("app"."Notes"); off its offset.
	text string
	off  int
}

// String is the name as cpcgen writes it: schema.name or name.
func (q qualName) String() string {
	if q.schema != "" {
		return q.schema + "." + q.name
	}
	return q.name
}

// readQualName reads a name of one or two parts at toks[i]; n is the
// number of tokens it took, 0 when there is no name there.
func readQualName(src string, toks []sqlTok, i int) (qualName, int) {
	isName := func(j int) bool { return j < len(toks) && (toks[j].kind == tokWord || toks[j].kind == tokQuoted) }
	if !isName(i) {
		return qualName{}, 0
	}
	q := qualName{name: toks[i].ident(), off: toks[i].off}
	n := 1
	if i+2 < len(toks) && toks[i+1].punct(".") && isName(i+2) {
		q.schema, q.name = q.name, toks[i+2].ident()
		n = 3
	}
	q.text = sourceOf(src, toks[i:i+n])
	return q, n
}

// closing returns the index of the parenthesis closing the one at
// toks[i], or -1.
func closing(toks []sqlTok, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch {
		case toks[j].punct("(") || toks[j].punct("["):
			depth++
		case toks[j].punct(")") || toks[j].punct("]"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitTopLevel splits tokens at the commas outside parentheses.
func splitTopLevel(toks []sqlTok) [][]sqlTok {
	var out [][]sqlTok
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.punct("(") || t.punct("["):
			depth++
		case t.punct(")") || t.punct("]"):
			depth--
		case depth == 0 && t.punct(","):
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

// clipSQL quotes the start of a statement for a message: its first
// line, clipped.
func clipSQL(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " …"
	}
	return fmt.Sprintf("%q", clip(s))
}
