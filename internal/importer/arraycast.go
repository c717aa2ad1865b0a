package importer

import (
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// keepArrayCoercion rewrites, in an expression or statement as
// PostgreSQL prints it, each array constructor cast as a whole to
// another array type, ARRAY['a'::character varying]::text[] (pretty) or
// (ARRAY['a'::character varying])::text[] (plain), into one cast first
// to its own type: ARRAY['a'::character varying]::character
// varying[]::text[]. PostgreSQL prints so a varchar column compared with
// a list (kind IN ('a', 'b'): an array of varchar coerced to text[]),
// but parses a cast written right after ARRAY[…] into a cast of each
// element, another expression, which pg_dump prints otherwise; the cast
// to the array's own type keeps the coercion of the whole array. The
// array's type is read from its elements: every one a constant cast to
// the same type ('a'::character varying, NULL::character varying), as
// PostgreSQL prints the items of a list; other arrays are left alone.
func keepArrayCoercion(s string) string {
	if !containsFold(s, "array") {
		return s
	}
	toks, err := sqllex.Lex(s)
	if err != nil {
		return s
	}
	type insert struct {
		at   int
		text string
	}
	var inserts []insert
	for i := 0; i+1 < len(toks); i++ {
		if !toks[i].Is("array") || !toks[i+1].IsPunct("[") {
			continue
		}
		end := sqllex.Closing(toks, i+1)
		if end < 0 {
			break
		}
		k := end + 1
		// (ARRAY[…])::type, not f(ARRAY[…])::type nor ANY (ARRAY[…]).
		if k < len(toks) && toks[k].IsPunct(")") && i > 0 && toks[i-1].IsPunct("(") &&
			(i < 2 || toks[i-2].Kind == sqllex.Punct && !toks[i-2].IsPunct(")") && !toks[i-2].IsPunct("]")) {
			k++
		}
		if k+2 >= len(toks) || !toks[k].IsPunct(":") || !toks[k+1].IsPunct(":") {
			continue
		}
		elem := arrayElemType(s, toks[i+2:end])
		target, _ := castType(s, toks[k+2:])
		if elem == "" || !strings.HasSuffix(target, "[]") || strings.TrimSpace(strings.TrimSuffix(target, "[]")) == elem {
			continue
		}
		inserts = append(inserts, insert{toks[end].End(), "::" + elem + "[]"})
	}
	for j := len(inserts) - 1; j >= 0; j-- {
		s = s[:inserts[j].at] + inserts[j].text + s[inserts[j].at:]
	}
	return s
}

// arrayElemType returns the type every element of an array constructor
// is a constant cast to, as written, or "" when they are not all so.
func arrayElemType(s string, toks []sqllex.Tok) string {
	typ := ""
	for _, el := range sqllex.Split(toks, sqllex.Comma) {
		if len(el) == 0 {
			return ""
		}
		first := el[0]
		if !(first.Kind == sqllex.String || first.Kind == sqllex.Number || first.Is("null") || first.Is("true") || first.Is("false")) ||
			len(el) < 4 || !el[1].IsPunct(":") || !el[2].IsPunct(":") {
			return ""
		}
		t, used := castType(s, el[3:])
		if used != len(el)-3 || typ != "" && t != typ {
			return ""
		}
		typ = t
	}
	return typ
}

// castType reads the type name at the start of toks, up to a comma, a
// closing parenthesis or bracket not its own, the brackets of an array
// type, or another token that cannot be in a type name, and returns it
// as written in s with the number of tokens it takes (0 for none).
func castType(s string, toks []sqllex.Tok) (string, int) {
	n, depth := 0, 0
loop:
	for ; n < len(toks); n++ {
		t := toks[n]
		switch {
		case t.Kind == sqllex.Word || t.Kind == sqllex.Quoted || t.IsPunct("."):
		case (t.Kind == sqllex.Number || t.IsPunct(",")) && depth > 0:
		case t.IsPunct("(") || t.IsPunct("["):
			depth++
		case (t.IsPunct(")") || t.IsPunct("]")) && depth > 0:
			depth--
			if depth == 0 && t.IsPunct("]") && !(n+1 < len(toks) && toks[n+1].IsPunct("[")) {
				n++
				break loop
			}
		default:
			break loop
		}
	}
	if n == 0 {
		return "", 0
	}
	return s[toks[0].Off:toks[n-1].End()], n
}

// keepArrayCoercions applies keepArrayCoercion to every expression and
// statement of the catalog that PostgreSQL printed from its parse tree.
func (cat *Catalog) keepArrayCoercions() { cat.mapPrinted(keepArrayCoercion) }

// mapPrinted replaces every expression and statement of the catalog that
// PostgreSQL printed from its parse tree (defaults, constraints,
// indexes, domains, views, triggers, policies and rules) by what f
// returns for it.
func (cat *Catalog) mapPrinted(f func(string) string) {
	for _, t := range cat.Tables {
		for _, c := range t.Columns {
			c.Default = f(c.Default)
		}
		for _, k := range t.Constraints {
			k.Def = f(k.Def)
		}
		for _, x := range t.Indexes {
			x.Def = f(x.Def)
			x.Where = f(x.Where)
			for i := range x.Keys {
				x.Keys[i] = f(x.Keys[i])
			}
		}
	}
	for i := range cat.Domains {
		d := &cat.Domains[i]
		d.Default = f(d.Default)
		for j := range d.Checks {
			d.Checks[j].Def = f(d.Checks[j].Def)
		}
	}
	for i := range cat.Views {
		v := &cat.Views[i]
		v.Def = f(v.Def)
		for j := range v.Indexes {
			v.Indexes[j] = f(v.Indexes[j])
		}
		for _, d := range v.ColumnDefaults {
			if len(d) == 2 {
				d[1] = f(d[1])
			}
		}
	}
	for i := range cat.Triggers {
		cat.Triggers[i].Def = f(cat.Triggers[i].Def)
	}
	for _, list := range [][]CatStatement{cat.Policies, cat.Rules} {
		for i := range list {
			list[i].SQL = f(list[i].SQL)
		}
	}
}
