package migration

import (
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// typeColumns returns, by the unqualified name of the type, the columns
// of current ("table.column", "table.column[]" for an array of it) whose
// type is a composite type, a domain or another type of the project's
// SQL objects: PostgreSQL refuses to drop such a type while they use it.
func typeColumns(current *schema.Schema) map[string][]string {
	out := map[string][]string{}
	if current == nil {
		return out
	}
	for _, t := range current.Tables {
		for _, c := range t.Columns {
			if c.Type == nil {
				continue
			}
			if name := userTypeName(c.Type.Type); name != "" {
				col := t.Name + "." + c.Name
				if _, ok := c.Type.Type.(*postgres.ArrayType); ok {
					col += "[]"
				}
				out[name] = append(out[name], col)
			}
		}
	}
	return out
}

// userTypeName returns the unqualified, unquoted name of a user-defined
// type, or of the element type of an array of one; "" for other types.
func userTypeName(t schema.Type) string {
	var name string
	switch t := t.(type) {
	case *postgres.ArrayType:
		return userTypeName(t.Type)
	case *postgres.UserDefinedType:
		name = t.T
	case *postgres.DomainType:
		name = t.T
	case *postgres.CompositeType:
		name = t.T
	default:
		return ""
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return strings.Trim(name, `"`)
}

// objectTypeName is the name an object of kind type or domain gives
// its type, unqualified and unquoted, as typeColumns keys it.
func objectTypeName(o *ir.Object) string {
	return strings.Trim(strings.TrimPrefix(o.Name, o.Schema+"."), `"`)
}

// typeAttr is one attribute of a composite type as its CREATE TYPE
// writes it: its name (as an identifier) and the rest (type, COLLATE).
type typeAttr struct {
	ident, name, def string
}

// compositeType reads sql, the Create of an object of kind type, when
// it is CREATE TYPE name AS (attributes) followed by COMMENT ON
// statements only: the type's name as written, its attributes and the
// comment statements (from the first semicolon). ok is false for any
// other SQL (a range type, other statements).
func compositeType(sql string) (name string, attrs []typeAttr, comments string, ok bool) {
	toks, err := sqllex.Lex(sql)
	if err != nil || len(toks) < 5 || !toks[0].Is("create") || !toks[1].Is("type") {
		return "", nil, "", false
	}
	i := 2
	for i < len(toks) && !toks[i].Is("as") {
		i++
	}
	if i+1 >= len(toks) || i == 2 || !toks[i+1].IsPunct("(") {
		return "", nil, "", false
	}
	name = sql[toks[2].Off:toks[i-1].End()]
	end := sqllex.Closing(toks, i+1)
	if end < 0 {
		return "", nil, "", false
	}
	for _, a := range sqllex.Split(toks[i+2:end], sqllex.Comma) {
		if attrs, ok = appendAttr(attrs, sql, a); !ok {
			return "", nil, "", false
		}
	}
	// Only COMMENT ON statements may follow.
	if comments, ok = trailingComments(sql, toks[end+1:]); !ok {
		return "", nil, "", false
	}
	return name, attrs, comments, true
}

// appendAttr appends the attribute toks spell (a name, then its type).
func appendAttr(attrs []typeAttr, sql string, toks []sqllex.Tok) ([]typeAttr, bool) {
	if len(toks) < 2 || toks[0].Ident() == "" {
		return attrs, false
	}
	return append(attrs, typeAttr{ident: toks[0].Ident(), name: toks[0].Text, def: sql[toks[1].Off:toks[len(toks)-1].End()]}), true
}

// alterComposite returns the statements that change the composite type
// of the object o into that of n in place, and back: ALTER TYPE … ADD
// ATTRIBUTE for attributes added after the others, and the comments
// set or taken away. ok is false when the change is not only that (an
// attribute dropped, changed or moved), which PostgreSQL cannot do in
// place while a column uses the type.
func alterComposite(o, n *ir.Object) (up, down string, ok bool) {
	_, was, wasComments, ok1 := compositeType(o.Create)
	name, now, nowComments, ok2 := compositeType(n.Create)
	if !ok1 || !ok2 || len(now) < len(was) {
		return "", "", false
	}
	for i, a := range was {
		if now[i].ident != a.ident || normSQL(now[i].def) != normSQL(a.def) {
			return "", "", false
		}
	}
	var add, drop []string
	for _, a := range now[len(was):] {
		if slices.ContainsFunc(was, func(w typeAttr) bool { return w.ident == a.ident }) {
			return "", "", false
		}
		add = append(add, "ADD ATTRIBUTE "+a.name+" "+a.def)
		drop = append([]string{"DROP ATTRIBUTE " + a.name}, drop...)
	}
	if len(add) > 0 {
		up = "ALTER TYPE " + name + " " + strings.Join(add, ", ")
		down = "ALTER TYPE " + name + " " + strings.Join(drop, ", ")
	}
	up = joinStatements(up, strings.TrimSuffix(uncomment(o.Create, n.Create), "\n"), nowComments)
	down = joinStatements(strings.TrimSuffix(uncomment(n.Create, o.Create), "\n"), wasComments, down)
	return up, down, true
}

// normSQL is SQL text with its tokens' words in lower case and single
// spaces between tokens, to compare definitions written apart.
func normSQL(sql string) string {
	toks, err := sqllex.Lex(sql)
	if err != nil {
		return sql
	}
	return sqllex.NormText(toks)
}

// joinStatements joins the non-empty statements, each without its last
// semicolon, into one text of statements separated by ";\n".
func joinStatements(stmts ...string) string {
	var keep []string
	for _, s := range stmts {
		if s = strings.TrimSuffix(strings.TrimSpace(s), ";"); s != "" {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, ";\n")
}

// typeInUse is the error for an object of kind type or domain that the
// migration would drop and create again while columns use it.
func typeInUse(o *ir.Object, columns []string, why string) error {
	what := "column " + columns[0] + " uses"
	if len(columns) > 1 {
		what = "columns " + strings.Join(columns, ", ") + " use"
	}
	hint := "only attributes added after the others are changed in place (ALTER TYPE … ADD ATTRIBUTE)"
	if o.Kind == "domain" {
		hint = "a domain's default, NOT NULL, checks and comments are changed in place (ALTER DOMAIN), not its data type or collation, " +
			"and its checks and NOT NULL only while no column holds an array of it or a composite type holding it (PostgreSQL checks no such column)"
	}
	return fmt.Errorf("%s would be dropped and created again (%s), but %s it, and PostgreSQL drops no type a column uses; %s: change the columns to another type first, in a migration of their own, or write this migration by hand", o.Title(), why, what, hint)
}
