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
// 'string literals' (a quote in them doubled), E'escape strings' (with \'),
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
	toks, lexErr := sqllex.Lex(sql)
	for _, t := range toks {
		if t.Kind == sqllex.Punct && len(t.Text) > 1 && t.Text[0] == '$' {
			return "", nil, &SQLError{Offset: t.Off, Msg: fmt.Sprintf("positional parameter %s is not supported; use @name parameters", t.Text)}
		}
	}
	if lexErr != nil {
		le := lexErr.(*sqllex.Error)
		return "", nil, &SQLError{Offset: le.Off, Msg: le.Msg}
	}
	var b strings.Builder
	b.Grow(len(sql))
	index := map[string]int{}
	last := 0
	for i, t := range toks {
		if !t.IsPunct("@") || i+1 >= len(toks) || toks[i+1].Kind != sqllex.Word || toks[i+1].Off != t.End() ||
			t.Off > 0 && strings.ContainsRune(operatorChars, rune(sql[t.Off-1])) {
			continue
		}
		// A name ends before a '$' its word holds: @a$b is @a then $b.
		name, _, _ := strings.Cut(toks[i+1].Text, "$")
		num, seen := index[name]
		if !seen {
			params = append(params, ParamUse{Name: name, Offset: t.Off})
			num = len(params)
			index[name] = num
		}
		b.WriteString(sql[last:t.Off])
		if t.Off > 0 && (isIdentByte(sql[t.Off-1]) || sql[t.Off-1] == '$') {
			// a@b must not become the identifier a$1
			b.WriteByte(' ')
		}
		b.WriteString(placeholder(name, num))
		last = t.End() + len(name)
	}
	b.WriteString(sql[last:])
	return b.String(), params, nil
}

// isIdentByte reports whether c may stand in an unquoted identifier.
func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
