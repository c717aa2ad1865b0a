package spec

import (
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// WrittenTable is a table raw SQL names as the target of a write: its
// name, the statement's verb (insert, update, delete, merge, truncate)
// and the byte offset of the name in the SQL text.
type WrittenTable struct {
	Name   string
	Verb   string
	Offset int
}

// WrittenTables returns the tables raw SQL names as the target of a
// write — INSERT INTO t, UPDATE [ONLY] t, DELETE FROM [ONLY] t, MERGE
// INTO t, TRUNCATE [TABLE] [ONLY] t, u — in order of first mention, each
// table and verb once. A qualified name gives its last part; an unquoted name is folded
// to lower case, as PostgreSQL does. It reads tokens, not grammar:
// comments and string literals are skipped, the bodies of dollar-quoted
// strings (a DO block, a function) are read, and the UPDATE of ON
// CONFLICT … DO UPDATE and of FOR [NO KEY] UPDATE names no table. It is
// meant to find the writes a spec must declare (writes:), so it errs on
// the side of finding too many.
func WrittenTables(sql string) []WrittenTable {
	toks := sqlTokens(sql)
	var out []WrittenTable
	seen := map[string]bool{}
	verb := ""
	add := func(i int) int {
		name, next, ok := qualifiedName(toks, i)
		if ok && !seen[verb+" "+name] {
			seen[verb+" "+name] = true
			out = append(out, WrittenTable{Name: name, Verb: verb, Offset: toks[next-1].off})
		}
		return next
	}
	is := func(i int, word string) bool { return i < len(toks) && !toks[i].quoted && toks[i].text == word }
	for i := 0; i < len(toks); i++ {
		verb = toks[i].text
		switch {
		case is(i, "insert") && is(i+1, "into"), is(i, "merge") && is(i+1, "into"):
			j := i + 2
			if is(j, "only") {
				j++
			}
			i = add(j) - 1
		case is(i, "delete") && is(i+1, "from"):
			j := i + 2
			if is(j, "only") {
				j++
			}
			i = add(j) - 1
		case is(i, "update") && !(i > 0 && (is(i-1, "do") || is(i-1, "for") || is(i-1, "key"))):
			j := i + 1
			if is(j, "only") {
				j++
			}
			if is(j, "set") {
				continue
			}
			i = add(j) - 1
		case is(i, "truncate"):
			j := i + 1
			if is(j, "table") {
				j++
			}
			for {
				if is(j, "only") {
					j++
				}
				j = add(j)
				if j >= len(toks) || toks[j].text != "," {
					break
				}
				j++
			}
			i = j - 1
		}
	}
	return out
}

// sqlToken is a word (keyword or identifier) or one punctuation
// character of SQL text.
type sqlToken struct {
	text   string
	quoted bool
	off    int
}

// qualifiedName reads a name (a.b.c) at toks[i]: its last part, and the
// index after it.
func qualifiedName(toks []sqlToken, i int) (string, int, bool) {
	if i >= len(toks) || !isWord(toks[i]) {
		return "", i + 1, false
	}
	name := toks[i].text
	i++
	for i+1 < len(toks) && toks[i].text == "." && !toks[i].quoted && isWord(toks[i+1]) {
		name = toks[i+1].text
		i += 2
	}
	return name, i, true
}

func isWord(t sqlToken) bool { return t.quoted || (t.text != "" && isIdentStart(t.text[0])) }

// sqlTokens splits SQL text into words and punctuation, skipping
// whitespace, comments and string literals, and reading the bodies of
// dollar-quoted strings as SQL. Unquoted words are lower-cased; an
// unterminated literal or comment ends the text.
func sqlTokens(sql string) []sqlToken {
	var out []sqlToken
	n := len(sql)
	for i := 0; i < n; {
		c := sql[i]
		switch {
		case c == '\'':
			end, ok := scanString(sql, i)
			if !ok {
				return out
			}
			i = end
		case c == '"':
			end, ok := scanQuoted(sql, i, '"', false)
			if !ok {
				return out
			}
			out = append(out, sqlToken{text: strings.ReplaceAll(sql[i+1:end-1], `""`, `"`), quoted: true, off: i})
			i = end
		case c == '-' && i+1 < n && sql[i+1] == '-':
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				return out
			}
			i += end
		case c == '/' && i+1 < n && sql[i+1] == '*':
			end, ok := scanBlockComment(sql, i)
			if !ok {
				return out
			}
			i = end
		case c == '$':
			if tag, ok := sqllex.DollarTag(sql, i); ok {
				// The body is read as SQL; its closing tag is skipped
				// like the opening one.
				i += len(tag)
				continue
			}
			i++
		case isIdentStart(c):
			j := i + 1
			for j < n && (isIdentByte(sql[j]) || sql[j] == '$') {
				j++
			}
			out = append(out, sqlToken{text: strings.ToLower(sql[i:j]), off: i})
			i = j
		case c <= ' ':
			i++
		default:
			out = append(out, sqlToken{text: sql[i : i+1], off: i})
			i++
		}
	}
	return out
}
