package sqllex

import "strings"

// Kind tells the tokens of SQL text apart.
type Kind int

const (
	// Word is a keyword or an unquoted identifier.
	Word Kind = iota
	// Quoted is a quoted identifier ("Name").
	Quoted
	// String is a string constant: '…', E'…', $tag$…$tag$.
	String
	// Number is a numeric constant.
	Number
	// Punct is one punctuation or operator character, or a $n
	// parameter.
	Punct
)

// Tok is one token of SQL text.
type Tok struct {
	Kind Kind
	// Text is the token as written.
	Text string
	// Off is the byte offset of Text in the source.
	Off int
}

// End is the byte offset just after the token.
func (t Tok) End() int { return t.Off + len(t.Text) }

// Is reports whether t is the keyword w, in any case.
func (t Tok) Is(w string) bool { return t.Kind == Word && strings.EqualFold(t.Text, w) }

// IsPunct reports whether t is the punctuation character c.
func (t Tok) IsPunct(c string) bool { return t.Kind == Punct && t.Text == c }

// Ident returns the name t spells: an unquoted word folded to lower case
// as PostgreSQL does, a quoted identifier unquoted; "" for other tokens.
func (t Tok) Ident() string {
	switch t.Kind {
	case Word:
		return strings.ToLower(t.Text)
	case Quoted:
		return strings.ReplaceAll(t.Text[1:len(t.Text)-1], `""`, `"`)
	}
	return ""
}

// NameAt returns the name that ends the possibly qualified name
// starting at toks[i] (type, schema.type, "My Schema"."t"), as Ident
// gives it; "" when toks[i] is no name.
func NameAt(toks []Tok, i int) string {
	name := ""
	for ; i < len(toks); i += 2 {
		name = toks[i].Ident()
		if i+1 >= len(toks) || !toks[i+1].IsPunct(".") {
			break
		}
	}
	return name
}

// Norm is the token as it takes part in a normalized text: words in
// lower case, everything else as written.
func (t Tok) Norm() string {
	if t.Kind == Word {
		return strings.ToLower(t.Text)
	}
	return t.Text
}

// NormText joins tokens in their normalized form (Norm), one space
// apart: two spellings of the same tokens (case of keywords, white
// space, comments) give the same text.
func NormText(toks []Tok) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Norm()
	}
	return strings.Join(parts, " ")
}

// Error is text that never ends (an unterminated string, identifier or
// comment), at a byte offset.
type Error struct {
	Off int
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// Lex splits SQL text into tokens. It understands single-quoted strings
// (doubled quotes; backslash escapes after E), quoted identifiers,
// dollar-quoted strings ($$…$$, $fn$…$fn$), line comments and nested
// block comments. It fails, with an *Error, only on text that never
// ends: an unterminated string, identifier or comment; the tokens before
// it come with the error.
func Lex(src string) ([]Tok, error) {
	var out []Tok
	for i := 0; ; {
		t, ok, err := Next(src, i)
		if err != nil || !ok {
			return out, err
		}
		out = append(out, t)
		i = t.End()
	}
}

// Next returns the first token of src at or after the byte offset i,
// past white space and comments; ok is false when there is none. It is
// Lex one token at a time, for a reader that must stop between tokens
// (psql's meta-commands, COPY data); its errors are Lex's.
func Next(src string, i int) (t Tok, ok bool, err error) {
	for i < len(src) {
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
				return Tok{}, false, &Error{start, "unterminated block comment /*"}
			}
		case c == '\'':
			end, err := stringEnd(src, i, false)
			if err != nil {
				return Tok{}, false, err
			}
			return Tok{String, src[i:end], i}, true, nil
		case c == '"':
			j := i + 1
			for {
				k := strings.IndexByte(src[j:], '"')
				if k < 0 {
					return Tok{}, false, &Error{i, "unterminated quoted identifier"}
				}
				j += k + 1
				if j < len(src) && src[j] == '"' {
					j++
					continue
				}
				break
			}
			return Tok{Quoted, src[i:j], i}, true, nil
		case c == '$':
			if tag, ok := DollarTag(src, i); ok {
				k := strings.Index(src[i+len(tag):], tag)
				if k < 0 {
					return Tok{}, false, &Error{i, "unterminated dollar-quoted string " + tag}
				}
				return Tok{String, src[i : i+len(tag)+k+len(tag)], i}, true, nil
			}
			j := i + 1
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			return Tok{Punct, src[i:j], i}, true, nil
		case wordStart(c):
			j := i + 1
			for j < len(src) && (wordByte(src[j]) || src[j] == '$') {
				j++
			}
			if j-i == 1 && (c == 'e' || c == 'E') && j < len(src) && src[j] == '\'' {
				end, err := stringEnd(src, j, true)
				if err != nil {
					return Tok{}, false, err
				}
				return Tok{String, src[i:end], i}, true, nil
			}
			return Tok{Word, src[i:j], i}, true, nil
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == '_' ||
				src[j] == 'e' || src[j] == 'E' || (src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E')) {
				j++
			}
			return Tok{Number, src[i:j], i}, true, nil
		default:
			return Tok{Punct, src[i : i+1], i}, true, nil
		}
	}
	return Tok{}, false, nil
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
	return 0, &Error{i, "unterminated string constant"}
}

// DollarTag returns the opening tag ($$ or $name$) of a dollar-quoted
// string starting at src[i]; false when the $ there opens none (a $1
// parameter, a $ inside a word).
func DollarTag(src string, i int) (string, bool) {
	if i > 0 && wordByte(src[i-1]) {
		return "", false
	}
	j := i + 1
	if j < len(src) && wordStart(src[j]) {
		j++
		for j < len(src) && wordByte(src[j]) {
			j++
		}
	}
	if j < len(src) && src[j] == '$' {
		return src[i : j+1], true
	}
	return "", false
}

func wordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func wordByte(c byte) bool { return wordStart(c) || c >= '0' && c <= '9' }

// opens and closes report whether t opens or closes a parenthesis or
// a bracket.
func opens(t Tok) bool  { return t.IsPunct("(") || t.IsPunct("[") }
func closes(t Tok) bool { return t.IsPunct(")") || t.IsPunct("]") }

// Closing returns the index of the token that closes the parenthesis or
// bracket at toks[open], or -1 when none does.
func Closing(toks []Tok, open int) int {
	depth := 0
	for j := open; j < len(toks); j++ {
		switch {
		case opens(toks[j]):
			depth++
		case closes(toks[j]):
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return -1
}

// Split splits toks at the tokens sep accepts outside parentheses and
// brackets, leaving the separators out: n separators make n+1 parts,
// some of them maybe empty. No tokens make no parts.
func Split(toks []Tok, sep func(Tok) bool) [][]Tok {
	if len(toks) == 0 {
		return nil
	}
	var out [][]Tok
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case opens(t):
			depth++
		case closes(t):
			depth--
		case depth == 0 && sep(t):
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return append(out, toks[start:])
}

// Comma is the separator of Split for lists: a comma.
func Comma(t Tok) bool { return t.IsPunct(",") }

// Top returns the index i of the first token from toks[from] on that is
// outside the parentheses and brackets opened from there and that
// match(i) accepts; len(toks) when there is none. A closing parenthesis
// or bracket without its opening one ends the search there.
func Top(toks []Tok, from int, match func(i int) bool) int {
	depth := 0
	for i := from; i < len(toks); i++ {
		t := toks[i]
		switch {
		case depth == 0 && match(i):
			return i
		case opens(t):
			depth++
		case closes(t):
			if depth--; depth < 0 {
				return i
			}
		}
	}
	return len(toks)
}

// Statements splits tokens into statements at semicolons outside the
// BEGIN ATOMIC … END body of an SQL-standard function and outside
// parentheses (those between the actions of CREATE RULE … DO ( …; … )),
// as psql does. Each statement leaves its semicolon out; empty ones are
// dropped.
func Statements(toks []Tok) [][]Tok {
	var out [][]Tok
	start, atomic, parens := 0, 0, 0
	for i, t := range toks {
		switch {
		case t.IsPunct("("):
			parens++
		case t.IsPunct(")"):
			if parens > 0 {
				parens--
			}
		case atomic == 0 && t.Is("atomic") && i > 0 && toks[i-1].Is("begin"):
			atomic = 1
		case atomic > 0 && t.Is("case"):
			atomic++
		case atomic > 0 && t.Is("end"):
			atomic--
		case atomic == 0 && parens == 0 && t.IsPunct(";"):
			if i > start {
				out = append(out, toks[start:i])
			}
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

// AtomicBody reports whether the SQL text src holds the keywords BEGIN
// ATOMIC, one right after the other, outside strings, quoted identifiers
// and comments: the SQL-standard body of a function or procedure, which
// PostgreSQL parses when it creates the routine (whatever
// check_function_bodies says) and which depends on what it names. The
// words in a string body ('… -- BEGIN ATOMIC'), a comment or a name do
// not count.
func AtomicBody(src string) bool {
	toks, _ := Lex(src)
	for i := 1; i < len(toks); i++ {
		if toks[i].Is("atomic") && toks[i-1].Is("begin") {
			return true
		}
	}
	return false
}
