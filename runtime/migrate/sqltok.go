package migrate

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// lex splits SQL text into sqllex tokens. Text that never ends (an
// unterminated string, identifier or comment) ends the tokens where it
// starts; the error says where that is.
func lex(sql string) ([]sqllex.Tok, *sqllex.Error) {
	toks, err := sqllex.Lex(sql)
	if err != nil {
		return toks, err.(*sqllex.Error)
	}
	return toks, nil
}

// qualifiedName reads a possibly schema-qualified name at toks[i]: its
// parts and the index after it, or ok false when there is none.
func qualifiedName(toks []sqllex.Tok, i int) (parts []string, next int, ok bool) {
	for {
		if i >= len(toks) || (toks[i].Kind != sqllex.Word && toks[i].Kind != sqllex.Quoted) {
			return nil, i, false
		}
		parts = append(parts, toks[i].Ident())
		i++
		if i < len(toks) && toks[i].IsPunct(".") {
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
	toks, lexErr := lex(s)
	parts, next, ok := qualifiedName(toks, 0)
	if lexErr != nil || !ok || next != len(toks) || len(parts) > 3 {
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
	toks, _ := lex(sql)
	at := func(i int, kws ...string) bool {
		for j, kw := range kws {
			if i+j >= len(toks) || !toks[i+j].Is(kw) {
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
			return statementKind{noTx: true, what: "CREATE " + strings.ToUpper(toks[1].Text)}
		}
	case at(0, "DROP", "INDEX", "CONCURRENTLY"):
		return statementKind{noTx: true, what: "DROP INDEX CONCURRENTLY"}
	case at(0, "DROP", "DATABASE"), at(0, "DROP", "TABLESPACE"):
		return statementKind{noTx: true, what: "DROP " + strings.ToUpper(toks[1].Text)}
	case at(0, "REINDEX"):
		for _, t := range toks {
			if t.Is("CONCURRENTLY") {
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
func parseCreateIndex(toks []sqllex.Tok, i int) *indexTarget {
	t := &indexTarget{}
	if i+2 < len(toks) && toks[i].Is("IF") && toks[i+1].Is("NOT") && toks[i+2].Is("EXISTS") {
		t.IfNotExists = true
		i += 3
	}
	if i >= len(toks) || toks[i].Is("ON") || (toks[i].Kind != sqllex.Word && toks[i].Kind != sqllex.Quoted) {
		return nil
	}
	t.Name = toks[i].Ident()
	i++
	if i >= len(toks) || !toks[i].Is("ON") {
		return nil
	}
	i++
	if i < len(toks) && toks[i].Is("ONLY") {
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
	toks, lexErr := lex(sql)
	if lexErr != nil || len(toks) == 0 || !toks[0].Is("UPDATE") {
		return updateParts{}, fmt.Errorf("%s", form)
	}
	parts, i, ok := qualifiedName(toks, 1)
	if !ok || i >= len(toks) || !toks[i].Is("SET") {
		return updateParts{}, fmt.Errorf("%s", form)
	}
	setStart := i + 1
	where := -1
	for j := setStart; j < len(toks); j++ {
		j = sqllex.Top(toks, j, func(k int) bool { return toks[k].Kind == sqllex.Word })
		if j == len(toks) {
			break
		}
		switch t := toks[j]; {
		case t.Is("FROM") && !toks[j-1].Is("DISTINCT") && where < 0,
			t.Is("RETURNING"):
			return updateParts{}, fmt.Errorf("%s", form)
		case t.Is("WHERE") && where < 0:
			where = j
		}
	}
	if where == setStart || setStart >= len(toks) {
		return updateParts{}, fmt.Errorf("%s", form)
	}
	u := updateParts{Table: quoteName(parts)}
	if where < 0 {
		u.Set = strings.TrimSpace(sql[toks[setStart].Off:])
	} else {
		u.Set = strings.TrimSpace(sql[toks[setStart].Off:toks[where].Off])
		if where+1 >= len(toks) {
			return updateParts{}, fmt.Errorf("%s", form)
		}
		u.Where = strings.TrimSpace(sql[toks[where+1].Off:])
	}
	return u, nil
}

// maskLiterals replaces the contents of string constants and
// dollar-quoted bodies in SQL text with "…", so that a query of another
// session can be shown without the values it carries (passwords, keys,
// personal data). A string or body that never ends (the query was cut)
// is masked to the end.
func maskLiterals(sql string) string {
	var b strings.Builder
	last := 0
	mask := func(off int, text string) {
		b.WriteString(sql[last:off])
		if tag, ok := sqllex.DollarTag(text, 0); ok {
			b.WriteString(tag + "…" + tag)
		} else {
			b.WriteString(text[:strings.IndexByte(text, '\'')] + "'…'")
		}
	}
	toks, lexErr := lex(sql)
	for _, t := range toks {
		if t.Kind == sqllex.String {
			mask(t.Off, t.Text)
			last = t.End()
		}
	}
	if lexErr != nil && (sql[lexErr.Off] == '\'' || sql[lexErr.Off] == '$') {
		mask(lexErr.Off, sql[lexErr.Off:])
		last = len(sql)
	}
	b.WriteString(sql[last:])
	return b.String()
}
