package migration

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// domainDef is what a CREATE DOMAIN statement says of a domain.
type domainDef struct {
	// name is the domain's name as written; base its data type and
	// collation, normalized (normSQL).
	name, base string
	// def is the DEFAULT expression as written ("" for none), defNorm
	// the same normalized.
	def, defNorm string
	notNull      bool
	// checks are the check constraints as written ("CONSTRAINT name
	// CHECK (…)" or "CHECK (…)"), checkNorm the same normalized.
	checks, checkNorm []string
	// comments are the COMMENT ON statements after the CREATE DOMAIN.
	comments string
}

// parseDomain reads sql, the Create of an object of kind domain, when it
// is CREATE DOMAIN followed by COMMENT ON statements only. ok is false
// for anything else, or a clause it does not know.
func parseDomain(sql string) (d domainDef, ok bool) {
	toks, err := sqllex.Lex(sql)
	if err != nil || len(toks) < 4 || !toks[0].Is("create") || !toks[1].Is("domain") {
		return d, false
	}
	end := sqllex.Top(toks, 0, func(j int) bool { return toks[j].IsPunct(";") })
	comments, ok := trailingComments(sql, toks[end:])
	if !ok {
		return d, false
	}
	d.comments = comments
	i := 3
	if i+1 < end && toks[i].IsPunct(".") {
		i += 2
	}
	if i > end {
		return d, false
	}
	d.name = sql[toks[2].Off:toks[i-1].End()]
	if i < end && toks[i].Is("as") {
		i++
	}
	// clause reports whether toks[j] starts a clause after the type or
	// after an expression starting at toks[start].
	clause := func(j, start int) bool {
		t := toks[j]
		switch {
		case t.Is("collate"), t.Is("default"), t.Is("constraint"), t.Is("check"):
			return true
		case t.Is("not"):
			return j+1 < end && toks[j+1].Is("null") && (j == 0 || !toks[j-1].Is("is"))
		case t.Is("null"):
			return j != start && !toks[j-1].Is("is") && !toks[j-1].Is("not")
		}
		return false
	}
	// upTo returns the index of the next clause at depth 0 from start.
	upTo := func(start int) int {
		return sqllex.Top(toks[:end], start, func(j int) bool { return clause(j, start) })
	}
	k := upTo(i)
	if k == i {
		return d, false
	}
	base := []string{normSQL(sql[toks[i].Off:toks[k-1].End()])}
	for i = k; i < end; {
		t := toks[i]
		constraint := i
		if t.Is("constraint") {
			if i+2 >= end || toks[i+1].Ident() == "" {
				return d, false
			}
			i += 2
			t = toks[i]
		}
		switch {
		case t.Is("collate") && constraint == i:
			k = upTo(i + 1)
			base = append(base, normSQL(sql[t.Off:toks[k-1].End()]))
		case t.Is("default") && constraint == i:
			k = upTo(i + 1)
			if k == i+1 || d.def != "" {
				return d, false
			}
			d.def = sql[toks[i+1].Off:toks[k-1].End()]
			d.defNorm = normSQL(d.def)
		case t.Is("not") && i+1 < end && toks[i+1].Is("null"):
			d.notNull, k = true, i+2
		case t.Is("null"):
			d.notNull, k = false, i+1
		case t.Is("check") && i+1 < end && toks[i+1].IsPunct("("):
			k = upTo(i + 1)
			check := sql[toks[constraint].Off:toks[k-1].End()]
			d.checks = append(d.checks, check)
			d.checkNorm = append(d.checkNorm, normSQL(check))
		default:
			return d, false
		}
		i = k
	}
	d.base = strings.Join(base, " ")
	return d, true
}

// trailingComments returns the text of the COMMENT ON statements rest
// holds (the tokens after a statement's closing semicolon, from it on),
// and false when another statement follows.
func trailingComments(sql string, rest []sqllex.Tok) (string, bool) {
	if len(rest) == 0 {
		return "", true
	}
	if !rest[0].IsPunct(";") {
		return "", false
	}
	for k, t := range rest {
		if t.IsPunct(";") && k+1 < len(rest) && !rest[k+1].Is("comment") {
			return "", false
		}
	}
	return strings.TrimSpace(sql[rest[0].End():]), true
}

// alterDomain returns the statements that change the domain of the
// object o into that of n in place, and back, when only its default,
// its NOT NULL, its checks or its comments differ: ALTER DOMAIN … SET
// or DROP DEFAULT, SET or DROP NOT NULL, and, when the checks differ,
// every check dropped and the new ones added in their order (so that
// those without a name get the names CREATE DOMAIN gives them;
// PostgreSQL checks the columns' values against each). ok is false for
// any other change (its data type or collation), which PostgreSQL
// cannot make in place while a column uses the domain, and for a change
// of its checks or NOT NULL when contained is set (a column holds an
// array of it, or a composite type holding it): PostgreSQL refuses to
// add either to such a domain.
func alterDomain(o, n *ir.Object, contained bool) (up, down string, ok bool) {
	was, ok1 := parseDomain(o.Create)
	now, ok2 := parseDomain(n.Create)
	if !ok1 || !ok2 || was.base != now.base || normSQL(was.name) != normSQL(now.name) {
		return "", "", false
	}
	if contained && (was.notNull != now.notNull || !slices.Equal(was.checkNorm, now.checkNorm)) {
		return "", "", false
	}
	up = joinStatements(append(append([]string{uncomment(o.Create, n.Create)}, domainChanges(was, now)...), now.comments)...)
	down = joinStatements(append(append([]string{uncomment(n.Create, o.Create)}, domainChanges(now, was)...), was.comments)...)
	return up, down, true
}

// domainContained reports whether a column holds the domain named name
// inside another type: an array of it (typeColumns marks such a column
// "[]"), or a composite type of objs (or an array of one) with an
// attribute of it or of an array of it.
func domainContained(name string, objs []*ir.Object, typeUsers map[string][]string) bool {
	isArray := func(c string) bool { return strings.HasSuffix(c, "[]") }
	if slices.ContainsFunc(typeUsers[name], isArray) {
		return true
	}
	for _, x := range objs {
		if x.Kind != "type" || len(typeUsers[objectTypeName(x)]) == 0 {
			continue
		}
		_, attrs, _, _ := compositeType(x.Create)
		for _, a := range attrs {
			toks, _ := sqllex.Lex(a.def)
			if slices.ContainsFunc(toks, func(t sqllex.Tok) bool { return t.Ident() == name }) {
				return true
			}
		}
	}
	return false
}

// domainChanges returns the ALTER DOMAIN statements from a to b.
func domainChanges(a, b domainDef) []string {
	alter := "ALTER DOMAIN " + b.name + " "
	var out []string
	if a.defNorm != b.defNorm {
		if b.def == "" {
			out = append(out, alter+"DROP DEFAULT")
		} else {
			out = append(out, alter+"SET DEFAULT "+b.def)
		}
	}
	if a.notNull != b.notNull {
		if b.notNull {
			out = append(out, alter+"SET NOT NULL")
		} else {
			out = append(out, alter+"DROP NOT NULL")
		}
	}
	if !slices.Equal(a.checkNorm, b.checkNorm) {
		if len(a.checks) > 0 {
			// A check written without a name has the one PostgreSQL
			// chose: every check is dropped by the names the catalog
			// holds.
			name := names.QuoteLiteral(b.name)
			out = append(out, fmt.Sprintf("DO $cpcgen$ DECLARE c name; BEGIN FOR c IN SELECT conname FROM pg_constraint WHERE contypid = %s::regtype AND contype = 'c' ORDER BY oid LOOP EXECUTE format('ALTER DOMAIN %%s DROP CONSTRAINT %%I', %s::regtype, c); END LOOP; END $cpcgen$", name, name))
		}
		for _, c := range b.checks {
			out = append(out, alter+"ADD "+c)
		}
	}
	return out
}
