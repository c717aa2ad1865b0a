package migration

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// relabel is an enum type or label the plan renames in place (the
// renamed_from of the enum or of a label), with the columns holding the
// type, as "table.column", for the compatibility check.
type relabel struct {
	enum     *ir.Enum
	from, to string
	// label tells a label renamed from a type renamed.
	label   bool
	columns []string
}

// renameEnumValues applies the renamed_from hints of enum labels to
// current (after renameEnums, whose renamed types retyped gives, new
// name to old) and returns the ALTER TYPE … RENAME VALUE statements: the
// rows keep their values, under the new label, where a replacement of
// the type would fail on them. A hint whose old label current lacks, or
// whose new one it has already, plans nothing. It also returns, for
// each enum renamed or relabeled, the rewrites that give the defaults,
// checks, index expressions and predicates and generation expressions
// of current naming a renamed label, or casting to a renamed type, the
// new names (see enumRewrites), as PostgreSQL shows them after the
// renames (it keeps enum constants by value, and types by OID): the
// caller aligns current with them (alignExprs) once the tables have
// their new names too.
func renameEnumValues(pkg *ir.Package, current *schema.Schema, retyped map[string]string, p *Planned) ([]*Change, []func(string) []string) {
	var out []*Change
	var rewrites []func(string) []string
	for _, e := range pkg.Enums {
		et := findEnum(current, e.SQLName)
		if et == nil {
			continue
		}
		var labels []string // old, new, …
		for _, v := range e.Values {
			old := v.RenamedFrom
			i := slices.Index(et.Values, old)
			if old == "" || i < 0 || slices.Contains(et.Values, v.Label) {
				continue
			}
			if len(labels) == 0 {
				et.Values = slices.Clone(et.Values)
			}
			et.Values[i] = v.Label
			labels = append(labels, old, v.Label)
			out = append(out, &Change{
				Cmd:     fmt.Sprintf("ALTER TYPE %s RENAME VALUE %s TO %s", quote(e.SQLName), quoteLiteral(old), quoteLiteral(v.Label)),
				Reverse: []string{fmt.Sprintf("ALTER TYPE %s RENAME VALUE %s TO %s", quote(e.SQLName), quoteLiteral(v.Label), quoteLiteral(old))},
				Comment: fmt.Sprintf("rename value %q of enum type %q to %q", old, e.SQLName, v.Label),
			})
		}
		oldType, retypedNow := retyped[e.SQLName]
		if !retypedNow && len(labels) == 0 {
			continue
		}
		if len(labels) > 0 {
			relabelColumns(current, et)
		}
		var cols []string
		for _, t := range current.Tables {
			for _, c := range t.Columns {
				if typ, _ := enumColumn(c, et); typ != "" {
					cols = append(cols, t.Name+"."+c.Name)
				}
			}
		}
		if retypedNow {
			p.relabeled = append(p.relabeled, relabel{enum: e, from: oldType, to: e.SQLName, columns: cols})
		}
		for i := 0; i < len(labels); i += 2 {
			p.relabeled = append(p.relabeled, relabel{enum: e, from: labels[i], to: labels[i+1], label: true, columns: cols})
		}
		rewrites = append(rewrites, enumRewrites(oldType, e.SQLName, labels))
	}
	return out, rewrites
}

// relabelColumns gives the columns of current whose type is the enum
// type et (by name), or an array of it, et's values.
func relabelColumns(current *schema.Schema, et *schema.EnumType) {
	types, _ := enumTypesOf(current, et.T)
	for _, t := range types {
		t.Values = et.Values
	}
}

// enumRewrites returns the rewrites of an expression that follow an
// enum's renames: its type's from oldType to newType ("" oldType: not
// renamed) in casts ('draft'::status), quoted or not, and its labels
// (old, new, … pairs) as string literals ('suspended') and as elements
// of array literals ('{new,suspended}'): the labels alone, then with
// the type's rename.
func enumRewrites(oldType, newType string, labels []string) func(string) []string {
	var pairs []string
	for i := 0; i < len(labels); i += 2 {
		from, to := labels[i], labels[i+1]
		pairs = append(pairs, quoteLiteral(from), quoteLiteral(to))
		// As PostgreSQL writes the element, and in quotes, as the specs
		// write one holding a bracket.
		for _, fe := range [][2]string{{arrayElem(from), arrayElem(to)}, {quotedElem(from), quotedElem(to)}} {
			for _, open := range []string{"{", ","} {
				for _, end := range []string{"}", ","} {
					pairs = append(pairs, open+fe[0]+end, open+fe[1]+end)
				}
			}
		}
	}
	relabel := strings.NewReplacer(pairs...)
	return func(s string) []string {
		// Twice: an array element between two that are replaced shares
		// its commas with them.
		s = relabel.Replace(relabel.Replace(s))
		if oldType == "" {
			return []string{s}
		}
		return []string{s, renameCasts(s, oldType, newType)}
	}
}

// renameCasts returns expr with its casts to the type from (::from, or
// ::"from", and of arrays of it) naming the type to, quoted: alignExprs
// compares names however they are quoted, so one spelling serves.
func renameCasts(expr, from, to string) string {
	return followEnum(expr, from, to, nil, nil)
}

// followEnum returns expr with the renames of one enum type followed as
// PostgreSQL, which keeps a type and the constants cast to it by their
// OIDs, shows them after the renames: its casts to the type from name
// the type to (when from is not ""), quoted, and a string constant cast
// to it, by either name, whose value labels renames (old label to new)
// holds the new label. Casts to other types, a type whose name from
// starts, and constants not cast are left as they are.
func followEnum(expr, from, to string, labels map[string]string, cols map[string]bool) string {
	toks, err := sqllex.Lex(expr)
	if err != nil {
		return expr
	}
	var b strings.Builder
	last := 0
	replace := func(t sqllex.Tok, with string) {
		b.WriteString(expr[last:t.Off])
		b.WriteString(with)
		last = t.End()
	}
	// castTo returns whether toks[k] is the type of a cast (after "::")
	// to the enum by either name, and that name.
	castTo := func(k int) (string, bool) {
		if k < 2 || k >= len(toks) || !toks[k-1].IsPunct(":") || !toks[k-2].IsPunct(":") || toks[k].Kind != sqllex.Word && toks[k].Kind != sqllex.Quoted {
			return "", false
		}
		name := toks[k].Ident()
		return name, name == to || from != "" && name == from
	}
	// One pass, in the text's order: a constant cast to the type, or not
	// cast but compared with a column of it (kind = 'b', 'b' <> kind,
	// kind IN ('a', 'b')), as the specs write them (PostgreSQL made both
	// the type's constants), takes its label's new name; a cast to the
	// old name, the new one.
	for i, t := range toks {
		if t.Kind == sqllex.String && len(labels) > 0 {
			v, ok := plainString(t.Text)
			if !ok {
				continue
			}
			nv, ok := labels[v]
			if !ok {
				continue
			}
			_, cast := castTo(i + 3)
			cast = cast && (i+4 >= len(toks) || !toks[i+4].IsPunct("["))
			if cast || !(i+1 < len(toks) && toks[i+1].IsPunct(":")) && len(cols) > 0 && comparedWithColumn(toks, i, cols) {
				replace(t, quoteLiteral(nv))
			}
			continue
		}
		if name, ok := castTo(i); ok && from != "" && name == from {
			replace(t, quote(to))
		}
	}
	if last == 0 {
		return expr
	}
	b.WriteString(expr[last:])
	return b.String()
}

// comparedWithColumn reports whether the string constant toks[i] is
// compared with one of cols (=, <>, !=, <, <=, >, >=, on either side),
// or is in the list of col IN (…).
func comparedWithColumn(toks []sqllex.Tok, i int, cols map[string]bool) bool {
	isCol := func(j int) bool {
		return j >= 0 && j < len(toks) && (toks[j].Kind == sqllex.Word || toks[j].Kind == sqllex.Quoted) && cols[toks[j].Ident()]
	}
	isOp := func(j int) bool {
		return j >= 0 && j < len(toks) && toks[j].Kind == sqllex.Punct && strings.Contains("<>=!", toks[j].Text)
	}
	// The operator before, of one or two characters, then after.
	if k := i - 1; isOp(k) && (isCol(k-1) || isOp(k-1) && isCol(k-2)) {
		return true
	}
	if k := i + 1; isOp(k) && (isCol(k+1) || isOp(k+1) && isCol(k+2)) {
		return true
	}
	// An IN list: back over constants and commas to "(", IN, the column.
	j := i - 1
	for j >= 0 && (toks[j].IsPunct(",") || toks[j].Kind == sqllex.String) {
		j--
	}
	return j >= 2 && toks[j].IsPunct("(") && toks[j-1].Is("IN") && isCol(j-2)
}

// plainString returns the value of a string constant written '…' (not
// E'…' or dollar-quoted).
func plainString(text string) (string, bool) {
	if len(text) < 2 || text[0] != '\'' || text[len(text)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(text[1:len(text)-1], "''", "'"), true
}

// followRenames gives every expression of current's tables (defaults,
// generation expressions, checks, index expressions and predicates) the
// renames of enum types and labels the plan makes (relabeled): those
// alignExprs did not make desired's (a predicate the specs change too)
// would be dropped and made again, going back, under a name the type or
// the label no longer has then.
func followRenames(current *schema.Schema, relabeled []relabel) {
	type renames struct {
		from   string
		labels map[string]string
	}
	byEnum := map[string]*renames{}
	for _, r := range relabeled {
		e := byEnum[r.enum.SQLName]
		if e == nil {
			e = &renames{labels: map[string]string{}}
			byEnum[r.enum.SQLName] = e
		}
		if r.label {
			e.labels[r.from] = r.to
		} else {
			e.from = r.from
		}
	}
	for to, e := range byEnum {
		for _, t := range current.Tables {
			cols := map[string]bool{} // the table's columns of the type
			for _, c := range t.Columns {
				switch ct := c.Type.Type.(type) {
				case *schema.EnumType:
					cols[c.Name] = ct.T == to
				}
			}
			alignTable(t, nil, func(have, _ string) (string, bool) {
				got := followEnum(have, e.from, to, e.labels, cols)
				return got, got != have
			})
		}
	}
}

// alignExprs rewrites the defaults, generation expressions, checks and
// index expressions and predicates of current's tables to the
// expression of the same place in desired (the same table and column,
// check or index by name) when one of the rewrites' candidates is it,
// but for the spelling of names (sameRenamed); an expression none of
// them makes desired's stays. It makes current what
// a database shows after a rename that PostgreSQL follows in those
// expressions (an enum's labels or type), so that the diff does not
// drop and make them again: the down migration could not make them
// again before the rename is undone.
func alignExprs(current, desired *schema.Schema, rewrites func(string) []string) {
	for _, t := range current.Tables {
		dt, ok := desired.Table(t.Name)
		if !ok {
			continue
		}
		alignTable(t, dt, func(have, want string) (string, bool) {
			if want == "" {
				return "", false
			}
			for _, got := range rewrites(have) {
				if got != have && sameRenamed(got, want, nil) {
					return want, want != have
				}
			}
			return "", false
		})
	}
}

// alignTable calls swap with each default, generation expression,
// check, and index expression and predicate of t and the expression of
// the same place in dt, the same table as desired ("" where dt has
// none), and puts the expression swap returns in its place when it
// returns true.
func alignTable(t, dt *schema.Table, swap func(have, want string) (string, bool)) {
	for _, c := range t.Columns {
		var dc *schema.Column
		if dt != nil {
			dc, _ = dt.Column(c.Name)
		}
		var wantDefault, wantGen string
		if dc != nil {
			wantDefault = defaultSQL(dc)
			if dg := generatedExpr(dc); dg != nil {
				wantGen = dg.Expr
			}
		}
		switch d := c.Default.(type) {
		case *schema.RawExpr:
			if got, ok := swap(d.X, wantDefault); ok {
				c.Default = &schema.RawExpr{X: got}
			}
		case *schema.Literal:
			if got, ok := swap(d.V, wantDefault); ok {
				c.Default = &schema.Literal{V: got}
			}
		}
		for i, a := range c.Attrs {
			if g, ok := a.(*schema.GeneratedExpr); ok {
				if got, ok := swap(g.Expr, wantGen); ok {
					c.Attrs[i] = &schema.GeneratedExpr{Expr: got, Type: g.Type}
				}
			}
		}
	}
	has := map[string]bool{} // the names of t's checks
	for _, a := range t.Attrs {
		if c, ok := a.(*schema.Check); ok {
			has[c.Name] = true
		}
	}
	for i, a := range t.Attrs {
		c, ok := a.(*schema.Check)
		if !ok {
			continue
		}
		got, ok := "", false
		for _, want := range checkCandidates(dt, c, has) {
			if g, swapped := swap(c.Expr, want); swapped && g == want {
				got, ok = g, true
				break
			}
		}
		if !ok {
			got, ok = swap(c.Expr, "")
		}
		if ok {
			cp := *c
			cp.Expr = got
			t.Attrs[i] = &cp
		}
	}
	for _, idx := range t.Indexes {
		var di *schema.Index
		if dt != nil {
			if d, ok := dt.Index(idx.Name); ok && len(d.Parts) == len(idx.Parts) {
				di = d
			}
		}
		for i, part := range idx.Parts {
			x, ok := part.X.(*schema.RawExpr)
			if !ok {
				continue
			}
			var want string
			if di != nil {
				if dx, ok := di.Parts[i].X.(*schema.RawExpr); ok {
					want = dx.X
				}
			}
			if got, ok := swap(x.X, want); ok {
				part.X = &schema.RawExpr{X: got}
			}
		}
		for i, a := range idx.Attrs {
			if pr, ok := a.(*postgres.IndexPredicate); ok {
				var want string
				if di != nil {
					want = predicateOf(di)
				}
				if got, ok := swap(pr.P, want); ok {
					idx.Attrs[i] = &postgres.IndexPredicate{P: got}
				}
			}
		}
	}
}

// checkCandidates returns the expressions of dt's checks that the check
// c may be: the one of the same name; without one (a derived name that a
// rename changes, users_score_check to users_points_check), those of
// dt's checks whose names c's table does not have (has), which the diff
// pairs with c as a rename when their expressions are the same.
func checkCandidates(dt *schema.Table, c *schema.Check, has map[string]bool) []string {
	if dt == nil {
		return nil
	}
	var named, others []string
	for _, da := range dt.Attrs {
		dc, ok := da.(*schema.Check)
		switch {
		case !ok:
		case c.Name != "" && dc.Name == c.Name:
			named = append(named, dc.Expr)
		case !has[dc.Name]:
			others = append(others, dc.Expr)
		}
	}
	if len(named) > 0 {
		return named
	}
	return others
}

// compatLabels returns a Breaking finding for each enum type or label
// the plan renames that the running code may still use: a label it may
// write to a column of the type (PostgreSQL refuses it after the
// rename), a type whose columns it reads or writes (its statements cast
// their parameters to the type by name).
func compatLabels(us []*Usage, relabeled []relabel) []Finding {
	var out []Finding
	for _, r := range relabeled {
		var used []string
		for _, tc := range r.columns {
			table, col, _ := strings.Cut(tc, ".")
			u := usageOfTable(us, table)
			if u.writes(col) || !r.label && u.reads(col) {
				used = append(used, fmt.Sprintf("%q.%q", table, col))
			}
		}
		if len(used) == 0 {
			continue
		}
		f := Finding{Kind: Breaking, Code: "CPC506", Pos: r.enum.Pos}
		if r.label {
			f.Message = fmt.Sprintf("rename value %q of enum type %q to %q breaks the running code, which may still write %q to %s", r.from, r.enum.SQLName, r.to, r.from, strings.Join(used, ", "))
			f.Hint = "a label cannot be renamed online: add the new label in one release, switch the code and the rows to it, and drop the old one in a later release; or stop the world: run again with --allow-breaking"
		} else {
			f.Message = fmt.Sprintf("rename enum type %q to %q breaks the running code, whose statements on %s may cast their parameters to %q", r.from, r.to, strings.Join(used, ", "), r.from)
			f.Hint = "a type cannot be renamed online; stop the world: run again with --allow-breaking"
		}
		out = append(out, f)
	}
	return out
}

// arrayElem is label as an element of an array literal in SQL text: in
// double quotes, backslash-escaped, when it is empty, NULL or holds a
// character the array syntax reads (as PostgreSQL's array_out writes
// it), with a single quote doubled for the string literal around it.
func arrayElem(label string) string {
	if label == "" || strings.EqualFold(label, "null") || strings.ContainsAny(label, "{},\"\\ \t\n\r\v\f") {
		return quotedElem(label)
	}
	return strings.ReplaceAll(label, "'", "''")
}

// quotedElem is label as a double-quoted element of an array literal in
// SQL text, as arrayElem writes one that needs the quotes.
func quotedElem(label string) string {
	return strings.ReplaceAll(`"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(label)+`"`, "'", "''")
}

// renamedLabel reports whether to is from with one label replaced by a
// new one at its place, and which: what a label renamed without a
// renamed_from hint looks like.
func renamedLabel(from, to *schema.EnumType) (old, label string, ok bool) {
	if len(from.Values) != len(to.Values) {
		return "", "", false
	}
	at := -1
	for i, v := range from.Values {
		if v != to.Values[i] {
			if at >= 0 {
				return "", "", false
			}
			at = i
		}
	}
	if at < 0 || slices.Contains(to.Values, from.Values[at]) || slices.Contains(from.Values, to.Values[at]) {
		return "", "", false
	}
	return from.Values[at], to.Values[at], true
}

// yamlScalar writes s as a YAML scalar in a hint: as it is when YAML
// reads it back as that string, else double-quoted.
func yamlScalar(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null":
		plain = false
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}
