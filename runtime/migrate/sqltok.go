package migrate

import (
	"fmt"
	"strings"
)

// tokKind is the kind of a token of SQL text.
type tokKind int

const (
	tokWord   tokKind = iota // a keyword or an unquoted identifier
	tokIdent                 // a quoted identifier
	tokString                // a string constant or a dollar-quoted body
	tokPunct                 // any other character
)

// token is one token of a statement. depth counts the parentheses open
// before it.
type token struct {
	kind     tokKind
	text     string
	off, end int
	depth    int
}

// is reports whether the token is the keyword kw (upper case).
func (t token) is(kw string) bool { return t.kind == tokWord && strings.EqualFold(t.text, kw) }

// name returns the identifier the token spells: an unquoted word folded
// to lower case, a quoted identifier without its quotes.
func (t token) name() string {
	if t.kind == tokIdent {
		return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
	}
	return strings.ToLower(t.text)
}

// tokenize splits one statement into tokens, skipping comments and
// white space, with the splitter's rules for strings, quoted identifiers
// and dollar quotes. The statement is known to split cleanly.
func tokenize(sql string) []token {
	var out []token
	depth := 0
	for i := 0; i < len(sql); {
		c := sql[i]
		start := i
		switch {
		case isSpace(rune(c)):
			i++
			continue
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				j = len(sql) - i
			}
			i += j
			continue
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			i, _ = skipComment(sql, i)
			continue
		case c == '\'':
			i, _ = skipString(sql, i)
			out = append(out, token{kind: tokString, text: sql[start:i], off: start, end: i, depth: depth})
			continue
		case c == '"':
			i, _ = skipQuoted(sql, i, '"', false)
			out = append(out, token{kind: tokIdent, text: sql[start:i], off: start, end: i, depth: depth})
			continue
		case c == '$':
			if tag, ok := dollarTag(sql[i:]); ok {
				i, _ = skipDollarQuoted(sql, i, tag)
				out = append(out, token{kind: tokString, text: sql[start:i], off: start, end: i, depth: depth})
				continue
			}
		case isWordByte(c):
			for i < len(sql) && isWordByte(sql[i]) {
				i++
			}
			// A word directly followed by a string is a prefixed constant
			// (E'…', B'…', X'…', U&'…' is rare enough to ignore).
			out = append(out, token{kind: tokWord, text: sql[start:i], off: start, end: i, depth: depth})
			continue
		}
		if c == ')' && depth > 0 {
			depth--
		}
		out = append(out, token{kind: tokPunct, text: sql[i : i+1], off: i, end: i + 1, depth: depth})
		if c == '(' {
			depth++
		}
		i++
	}
	return out
}

// qualifiedName reads a possibly schema-qualified name at toks[i]: its
// parts and the index after it, or ok false when there is none.
func qualifiedName(toks []token, i int) (parts []string, next int, ok bool) {
	for {
		if i >= len(toks) || (toks[i].kind != tokWord && toks[i].kind != tokIdent) {
			return nil, i, false
		}
		parts = append(parts, toks[i].name())
		i++
		if i < len(toks) && toks[i].text == "." && toks[i].kind == tokPunct {
			i++
			continue
		}
		return parts, i, true
	}
}

// quoteName quotes each part of a qualified name and joins them.
func quoteName(parts []string) string {
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = quoteIdent(p)
	}
	return strings.Join(q, ".")
}

// parseTableName reads a table name written in SQL (orders, public.orders,
// "Order") and returns it quoted.
func parseTableName(s string) (string, error) {
	toks := tokenize(s)
	parts, next, ok := qualifiedName(toks, 0)
	if !ok || next != len(toks) || len(parts) > 3 {
		return "", fmt.Errorf("%q is not a table name (write orders, public.orders or \"Order\")", s)
	}
	return quoteName(parts), nil
}

// indexTarget is the index a CREATE INDEX CONCURRENTLY statement builds.
type indexTarget struct {
	// Name is the index's name; Table the table's name, quoted and
	// qualified as written.
	Name  string
	Table string
	// IfNotExists is set when the statement says IF NOT EXISTS.
	IfNotExists bool
}

// statementKind is what the runner needs to know of a statement.
type statementKind struct {
	// noTx is set for statements PostgreSQL refuses to run inside a
	// transaction block; what names the statement for messages.
	noTx bool
	what string
	// index is the index a CREATE INDEX CONCURRENTLY builds, when it
	// names one.
	index *indexTarget
}

// classify reads the first words of a statement.
func classify(sql string) statementKind {
	toks := tokenize(sql)
	at := func(i int, kws ...string) bool {
		for j, kw := range kws {
			if i+j >= len(toks) || !toks[i+j].is(kw) {
				return false
			}
		}
		return true
	}
	switch {
	case at(0, "CREATE"):
		i := 1
		if at(i, "UNIQUE") {
			i++
		}
		if at(i, "INDEX", "CONCURRENTLY") {
			return statementKind{noTx: true, what: "CREATE INDEX CONCURRENTLY", index: parseCreateIndex(toks, i+2)}
		}
		if at(1, "DATABASE") || at(1, "TABLESPACE") {
			return statementKind{noTx: true, what: "CREATE " + strings.ToUpper(toks[1].text)}
		}
	case at(0, "DROP", "INDEX", "CONCURRENTLY"):
		return statementKind{noTx: true, what: "DROP INDEX CONCURRENTLY"}
	case at(0, "DROP", "DATABASE"), at(0, "DROP", "TABLESPACE"):
		return statementKind{noTx: true, what: "DROP " + strings.ToUpper(toks[1].text)}
	case at(0, "REINDEX"):
		for _, t := range toks {
			if t.is("CONCURRENTLY") {
				return statementKind{noTx: true, what: "REINDEX CONCURRENTLY"}
			}
		}
	case at(0, "VACUUM"):
		return statementKind{noTx: true, what: "VACUUM"}
	case at(0, "ALTER", "SYSTEM"):
		return statementKind{noTx: true, what: "ALTER SYSTEM"}
	}
	return statementKind{}
}

// parseCreateIndex reads "[IF NOT EXISTS] name ON [ONLY] table" from
// toks[i]. It returns nil for an index without a name.
func parseCreateIndex(toks []token, i int) *indexTarget {
	t := &indexTarget{}
	if i+2 < len(toks) && toks[i].is("IF") && toks[i+1].is("NOT") && toks[i+2].is("EXISTS") {
		t.IfNotExists = true
		i += 3
	}
	if i >= len(toks) || toks[i].is("ON") || (toks[i].kind != tokWord && toks[i].kind != tokIdent) {
		return nil
	}
	t.Name = toks[i].name()
	i++
	if i >= len(toks) || !toks[i].is("ON") {
		return nil
	}
	i++
	if i < len(toks) && toks[i].is("ONLY") {
		i++
	}
	parts, _, ok := qualifiedName(toks, i)
	if !ok {
		return nil
	}
	t.Table = quoteName(parts)
	return t
}

// updateParts is an UPDATE statement a backfill runs in batches:
// UPDATE table SET … [WHERE …].
type updateParts struct {
	Table string // quoted
	Set   string
	Where string
}

// parseBackfillUpdate splits the statement under a backfill directive.
func parseBackfillUpdate(sql string) (updateParts, error) {
	const form = "a backfill statement must read UPDATE table SET … [WHERE …], without WITH, ONLY, an alias, FROM or RETURNING (the Go API migrate.Backfill takes any statement)"
	toks := tokenize(sql)
	if len(toks) == 0 || !toks[0].is("UPDATE") {
		return updateParts{}, fmt.Errorf("%s", form)
	}
	parts, i, ok := qualifiedName(toks, 1)
	if !ok || i >= len(toks) || !toks[i].is("SET") {
		return updateParts{}, fmt.Errorf("%s", form)
	}
	setStart := i + 1
	where := -1
	for j := setStart; j < len(toks); j++ {
		t := toks[j]
		if t.depth > 0 || t.kind != tokWord {
			continue
		}
		switch {
		case t.is("FROM") && (j == 0 || !toks[j-1].is("DISTINCT")) && where < 0,
			t.is("RETURNING"):
			return updateParts{}, fmt.Errorf("%s", form)
		case t.is("WHERE") && where < 0:
			where = j
		}
	}
	if where == setStart || setStart >= len(toks) {
		return updateParts{}, fmt.Errorf("%s", form)
	}
	u := updateParts{Table: quoteName(parts)}
	if where < 0 {
		u.Set = strings.TrimSpace(sql[toks[setStart].off:])
	} else {
		u.Set = strings.TrimSpace(sql[toks[setStart].off:toks[where].off])
		if where+1 >= len(toks) {
			return updateParts{}, fmt.Errorf("%s", form)
		}
		u.Where = strings.TrimSpace(sql[toks[where+1].off:])
	}
	return u, nil
}

// maskLiterals replaces the contents of string constants and
// dollar-quoted bodies in SQL text with "…", so that a query of another
// session can be shown without the values it carries (passwords, keys,
// personal data).
func maskLiterals(sql string) string {
	var b strings.Builder
	last := 0
	for _, t := range tokenize(sql) {
		if t.kind != tokString {
			continue
		}
		b.WriteString(sql[last:t.off])
		if t.text[0] == '$' {
			tag, _ := dollarTag(t.text)
			b.WriteString(tag + "…" + tag)
		} else {
			b.WriteString("'…'")
		}
		last = t.end
	}
	b.WriteString(sql[last:])
	return b.String()
}
