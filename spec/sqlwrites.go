package spec

import (
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
	toks := writeTokens(sql)
	var out []WrittenTable
	seen := map[string]bool{}
	verb := ""
	add := func(i int) int {
		name, next, ok := qualifiedName(toks, i)
		if ok && !seen[verb+" "+name] {
			seen[verb+" "+name] = true
			out = append(out, WrittenTable{Name: name, Verb: verb, Offset: toks[next-1].Off})
		}
		return next
	}
	is := func(i int, word string) bool { return i < len(toks) && toks[i].Is(word) }
	for i := 0; i < len(toks); i++ {
		verb = toks[i].Norm()
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
				if j >= len(toks) || !toks[j].IsPunct(",") {
					break
				}
				j++
			}
			i = j - 1
		}
	}
	return out
}

// writeTokens returns the tokens of SQL text with the bodies of its
// dollar-quoted strings read as SQL in their place; text that never
// ends ends the tokens there.
func writeTokens(sql string) []sqllex.Tok {
	toks, _ := sqllex.Lex(sql)
	var out []sqllex.Tok
	for _, t := range toks {
		tag, ok := sqllex.DollarTag(t.Text, 0)
		if t.Kind != sqllex.String || !ok {
			out = append(out, t)
			continue
		}
		for _, in := range writeTokens(t.Text[len(tag) : len(t.Text)-len(tag)]) {
			in.Off += t.Off + len(tag)
			out = append(out, in)
		}
	}
	return out
}

// qualifiedName reads a name (a.b.c) at toks[i]: its last part, and the
// index after it.
func qualifiedName(toks []sqllex.Tok, i int) (string, int, bool) {
	if i >= len(toks) || !isName(toks[i]) {
		return "", i + 1, false
	}
	name := toks[i].Ident()
	i++
	for i+1 < len(toks) && toks[i].IsPunct(".") && isName(toks[i+1]) {
		name = toks[i+1].Ident()
		i += 2
	}
	return name, i, true
}

func isName(t sqllex.Tok) bool { return t.Kind == sqllex.Word || t.Kind == sqllex.Quoted }
