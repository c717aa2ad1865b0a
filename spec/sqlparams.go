package spec

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// ParamUse is a named parameter found in raw SQL: its name and the byte
// offset of its first use (the '@') in the original text.
type ParamUse struct {
	Name   string
	Offset int
}

// SQLError is a problem RewriteParams found in SQL text, at a byte
// offset of that text.
type SQLError struct {
	Offset int
	Msg    string
}

// Error returns the message.
func (e *SQLError) Error() string { return e.Msg }

// operatorChars are the characters after which an '@' is part of an
// operator (<@, @@, @-@, &@ …), not a parameter. '=', '>', '+', '*', '/'
// are not among them: no PostgreSQL operator ends in =@ or >@, so
// id=@id is the parameter @id.
const operatorChars = "-<~!@#%^&|`?"

// RewriteParams rewrites the @name parameters of raw SQL to $1..$n,
// numbered in order of first appearance; a name used again binds the
// same number. params lists each name once, in that order.
//
// An '@' starts a parameter only when it is followed by a letter or '_'
// and not preceded by one of -<~!@#%^&|`? (which end operators such as
// <@, @@ and @-@), so those operators pass through, and id=@id, a>@b and
// (@a, @b) are parameters; write a space after a prefix '@' operator
// (@ -5) to keep it one, and before a parameter that follows such a
// character (x < @max). An @name glued to a preceding word (x@name)
// becomes "x $1", never the identifier x$1. Nothing inside
// 'string literals' (with ” escapes), E'escape strings' (with \'),
// $tag$dollar-quoted$tag$ bodies, "quoted identifiers", -- line comments
// and /* nested /* block */ comments */ is touched, and ::casts are left
// alone. A positional $1 is an error: parameters are named.
//
// Errors are *SQLError values carrying the byte offset of the problem.
func RewriteParams(sql string) (text string, params []ParamUse, err error) {
	return RewriteParamsFunc(sql, func(_ string, num int) string { return "$" + strconv.Itoa(num) })
}

// RewriteParamsFunc is RewriteParams with the text that replaces each use
// of a parameter chosen by placeholder, which gets the parameter's name
// and number (1-based): the generator uses it to add a cast where the
// driver cannot encode a parameter's type, e.g. "($1::text[]::mood[])".
// The text it returns replaces "@name" exactly; wrap anything other than
// a bare placeholder in parentheses.
func RewriteParamsFunc(sql string, placeholder func(name string, num int) string) (text string, params []ParamUse, err error) {
	var b strings.Builder
	b.Grow(len(sql))
	index := map[string]int{}
	i := 0
	n := len(sql)
	for i < n {
		c := sql[i]
		switch {
		case c == '\'':
			end, ok := scanString(sql, i)
			if !ok {
				return "", nil, &SQLError{Offset: i, Msg: "unterminated string literal"}
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '"':
			end, ok := scanQuoted(sql, i, '"', false)
			if !ok {
				return "", nil, &SQLError{Offset: i, Msg: "unterminated quoted identifier"}
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '-' && i+1 < n && sql[i+1] == '-':
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				end = n
			} else {
				end += i
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '/' && i+1 < n && sql[i+1] == '*':
			end, ok := scanBlockComment(sql, i)
			if !ok {
				return "", nil, &SQLError{Offset: i, Msg: "unterminated /* comment"}
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '$':
			if i+1 < n && sql[i+1] >= '0' && sql[i+1] <= '9' {
				j := i + 1
				for j < n && sql[j] >= '0' && sql[j] <= '9' {
					j++
				}
				return "", nil, &SQLError{Offset: i, Msg: fmt.Sprintf("positional parameter %s is not supported; use @name parameters", sql[i:j])}
			}
			if tag, ok := sqllex.DollarTag(sql, i); ok {
				body := i + len(tag)
				end := strings.Index(sql[body:], tag)
				if end < 0 {
					return "", nil, &SQLError{Offset: i, Msg: "unterminated dollar-quoted string " + tag}
				}
				end += body + len(tag)
				b.WriteString(sql[i:end])
				i = end
				continue
			}
			b.WriteByte(c)
			i++
		case isIdentStart(c) || (c >= '0' && c <= '9'):
			// Identifiers, keywords and numbers, including any '$' they
			// contain (a$1 is an identifier, not a parameter).
			j := i + 1
			for j < n && (isIdentByte(sql[j]) || sql[j] == '$') {
				j++
			}
			b.WriteString(sql[i:j])
			i = j
		case c == '@' && i+1 < n && isIdentStart(sql[i+1]) && (i == 0 || !strings.ContainsRune(operatorChars, rune(sql[i-1]))):
			j := i + 1
			for j < n && isIdentByte(sql[j]) {
				j++
			}
			name := sql[i+1 : j]
			num, seen := index[name]
			if !seen {
				params = append(params, ParamUse{Name: name, Offset: i})
				num = len(params)
				index[name] = num
			}
			if i > 0 && (isIdentByte(sql[i-1]) || sql[i-1] == '$') {
				// a@b must not become the identifier a$1
				b.WriteByte(' ')
			}
			b.WriteString(placeholder(name, num))
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), params, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9')
}

// scanString returns the offset just past the string literal starting at
// sql[i], a single quote: an escape string (E'…', the E not ending a word)
// reads backslash escapes too.
func scanString(sql string, i int) (int, bool) {
	escape := i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') && (i < 2 || !isIdentByte(sql[i-2]))
	return scanQuoted(sql, i, '\'', escape)
}

// scanQuoted returns the offset just past the quoted text starting at
// sql[i] (a doubled quote is an escape; with backslash, so is \x).
func scanQuoted(sql string, i int, q byte, backslash bool) (int, bool) {
	for j := i + 1; j < len(sql); j++ {
		switch sql[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(sql) && sql[j+1] == q {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return 0, false
}

// scanBlockComment returns the offset just past the (nested) block
// comment starting at sql[i].
func scanBlockComment(sql string, i int) (int, bool) {
	depth := 0
	for j := i; j+1 < len(sql); j++ {
		switch {
		case sql[j] == '/' && sql[j+1] == '*':
			depth++
			j++
		case sql[j] == '*' && sql[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1, true
			}
		}
	}
	return 0, false
}
