package migration

import (
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// relabel is an enum value the plan renames in place (a label's
// renamed_from), with the columns holding the type then, as
// "table.column", for the compatibility check.
type relabel struct {
	enum     *ir.Enum
	from, to string
	columns  []string
}

// renameEnumValues applies the renamed_from hints of enum labels to
// current (after renameEnums) and returns the ALTER TYPE … RENAME VALUE
// statements: the rows keep their values, under the new label, where a
// replacement of the type would fail on them. A hint whose old label
// current lacks, or whose new one it has already, plans nothing. The
// defaults, checks, index expressions and predicates and generation
// expressions of current that name the old label as a literal are given
// the new one where that makes them desired's of the same name, as
// PostgreSQL shows them after the rename (it keeps enum constants by
// value, not by label): so they are not dropped and made again, which
// the down migration could not do before the label has its old name
// back.
func renameEnumValues(pkg *ir.Package, current, desired *schema.Schema, p *Planned) []*Change {
	var out []*Change
	for _, e := range pkg.Enums {
		et := findEnum(current, e.SQLName)
		if et == nil {
			continue
		}
		for _, v := range e.Values {
			old := v.RenamedFrom
			i := slices.Index(et.Values, old)
			if old == "" || i < 0 || slices.Contains(et.Values, v.Label) {
				continue
			}
			var cols []string
			for _, t := range current.Tables {
				for _, c := range t.Columns {
					if typ, _ := enumColumn(c, et); typ != "" {
						cols = append(cols, t.Name+"."+c.Name)
					}
				}
			}
			et.Values = slices.Clone(et.Values)
			et.Values[i] = v.Label
			relabelColumns(current, et)
			relabelExprs(current, desired, old, v.Label)
			p.relabeled = append(p.relabeled, relabel{enum: e, from: old, to: v.Label, columns: cols})
			out = append(out, &Change{
				Cmd:     fmt.Sprintf("ALTER TYPE %s RENAME VALUE %s TO %s", quote(e.SQLName), quoteLiteral(old), quoteLiteral(v.Label)),
				Reverse: []string{fmt.Sprintf("ALTER TYPE %s RENAME VALUE %s TO %s", quote(e.SQLName), quoteLiteral(v.Label), quoteLiteral(old))},
				Comment: fmt.Sprintf("rename value %q of enum type %q to %q", old, e.SQLName, v.Label),
			})
		}
	}
	return out
}

// relabelColumns gives the columns of current whose type is the enum
// type et (by name), or an array of it, et's values.
func relabelColumns(current *schema.Schema, et *schema.EnumType) {
	for _, t := range current.Tables {
		for _, c := range t.Columns {
			switch ct := c.Type.Type.(type) {
			case *schema.EnumType:
				if ct.T == et.T {
					ct.Values = et.Values
				}
			case *postgres.ArrayType:
				if at, ok := ct.Type.(*schema.EnumType); ok && at.T == et.T {
					at.Values = et.Values
				}
			}
		}
	}
}

// relabelExprs replaces the label from by to in the expressions of
// current's tables, as a string literal ('suspended') or an element of
// an array literal ('{new,suspended}'), where the result is the
// expression of the same place in desired (the same table, column,
// check or index by name).
func relabelExprs(current, desired *schema.Schema, from, to string) {
	literal := strings.NewReplacer(quoteLiteral(from), quoteLiteral(to))
	f, t := arrayElem(from), arrayElem(to)
	var pairs []string
	for _, open := range []string{"{", ","} {
		for _, end := range []string{"}", ","} {
			pairs = append(pairs, open+f+end, open+t+end)
		}
	}
	elems := strings.NewReplacer(pairs...)
	swap := func(have, want string) (string, bool) {
		for _, r := range []*strings.Replacer{literal, elems} {
			// Twice: an element between two that are replaced shares
			// its commas with them.
			if got := r.Replace(r.Replace(have)); got != have && got == want {
				return got, true
			}
		}
		return "", false
	}
	for _, t := range current.Tables {
		dt, ok := desired.Table(t.Name)
		if !ok {
			continue
		}
		for _, c := range t.Columns {
			dc, ok := dt.Column(c.Name)
			if !ok {
				continue
			}
			if d, ok := c.Default.(*schema.RawExpr); ok {
				if got, ok := swap(d.X, defaultSQL(dc)); ok {
					c.Default = &schema.RawExpr{X: got}
				}
			} else if d, ok := c.Default.(*schema.Literal); ok {
				if got, ok := swap(d.V, defaultSQL(dc)); ok {
					c.Default = &schema.Literal{V: got}
				}
			}
			if dg := generatedExpr(dc); dg != nil {
				for i, a := range c.Attrs {
					if g, ok := a.(*schema.GeneratedExpr); ok {
						if got, ok := swap(g.Expr, dg.Expr); ok {
							c.Attrs[i] = &schema.GeneratedExpr{Expr: got, Type: g.Type}
						}
					}
				}
			}
		}
		for i, a := range t.Attrs {
			c, ok := a.(*schema.Check)
			if !ok || c.Name == "" {
				continue
			}
			for _, da := range dt.Attrs {
				if dc, ok := da.(*schema.Check); ok && dc.Name == c.Name {
					if got, ok := swap(c.Expr, dc.Expr); ok {
						cp := *c
						cp.Expr = got
						t.Attrs[i] = &cp
					}
				}
			}
		}
		for _, idx := range t.Indexes {
			di, ok := dt.Index(idx.Name)
			if !ok || len(di.Parts) != len(idx.Parts) {
				continue
			}
			for i, part := range idx.Parts {
				x, ok := part.X.(*schema.RawExpr)
				dx, ok2 := di.Parts[i].X.(*schema.RawExpr)
				if ok && ok2 {
					if got, ok := swap(x.X, dx.X); ok {
						part.X = &schema.RawExpr{X: got}
					}
				}
			}
			for i, a := range idx.Attrs {
				if pr, ok := a.(*postgres.IndexPredicate); ok {
					if dp := predicateOf(di); dp != "" {
						if got, ok := swap(pr.P, dp); ok {
							idx.Attrs[i] = &postgres.IndexPredicate{P: got}
						}
					}
				}
			}
		}
	}
}

// compatLabels returns a Breaking finding for each label the plan
// renames that the running code may still write to a column of its
// enum type: after the rename, PostgreSQL refuses the old label.
func compatLabels(us []*Usage, relabeled []relabel) []Finding {
	var out []Finding
	for _, r := range relabeled {
		var written []string
		for _, tc := range r.columns {
			table, col, _ := strings.Cut(tc, ".")
			if usageOfTable(us, table).writes(col) {
				written = append(written, fmt.Sprintf("%q.%q", table, col))
			}
		}
		if len(written) == 0 {
			continue
		}
		out = append(out, Finding{
			Kind: Breaking, Code: "CPC506", Pos: r.enum.Pos,
			Message: fmt.Sprintf("rename value %q of enum type %q to %q breaks the running code, which may still write %q to %s", r.from, r.enum.SQLName, r.to, r.from, strings.Join(written, ", ")),
			Hint:    "a label cannot be renamed online: add the new label in one release, switch the code and the rows to it, and drop the old one in a later release; or stop the world: run again with --allow-breaking",
		})
	}
	return out
}

// arrayElem is label as an element of an array literal in SQL text: in
// double quotes, backslash-escaped, when it is empty, NULL or holds a
// character the array syntax reads (as PostgreSQL's array_out writes
// it), with a single quote doubled for the string literal around it.
func arrayElem(label string) string {
	e := label
	if label == "" || strings.EqualFold(label, "null") || strings.ContainsAny(label, "{},\"\\ \t\n\r\v\f") {
		e = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(label) + `"`
	}
	return strings.ReplaceAll(e, "'", "''")
}
