package migration

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strings"

	"ariga.io/atlas/schemahcl"
	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	_ "ariga.io/atlas/sql/postgres/postgrescheck" // registers Atlas's PostgreSQL analyzers
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlcheck"
	"ariga.io/atlas/sql/sqlcheck/condrop"
	"ariga.io/atlas/sql/sqlcheck/datadepend"
	"ariga.io/atlas/sql/sqlcheck/destructive"
	"ariga.io/atlas/sql/sqlcheck/incompatible"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// Finding kinds. Destructive and data-dependent findings stop migrate
// diff unless --allow-destructive is given, breaking ones unless
// --allow-breaking, table rewrites (with online plans) unless
// --allow-rewrite; the others are reported.
const (
	// Destructive changes lose data: dropping a table, column or enum,
	// narrowing a type.
	Destructive = "destructive"
	// DataDependent changes fail or behave differently depending on the
	// rows already there: NOT NULL without a default, a unique index, a
	// check or foreign key on existing rows, a type conversion.
	DataDependent = "data-dependent"
	// Incompatible changes break application code still running against
	// the old schema: renames. (cpcgen's own compatibility rules report
	// Breaking; Atlas's BC analyzers lend them their codes.)
	Incompatible = "backward-incompatible"
	// Breaking changes make the code still running during a deploy — the
	// generated package at the last migration — fail: a column it reads
	// dropped or renamed, a NOT NULL column its inserts leave out, a type
	// its writes may not fit.
	Breaking = "breaking"
	// Rewrite changes rewrite a whole table under an ACCESS EXCLUSIVE
	// lock: most column type changes, a volatile default or an identity
	// added to an existing table.
	Rewrite = "table-rewrite"
	// Deferred findings name the parts of an expand/contract plan left to
	// a later migrate diff --contract.
	Deferred = "deferred"
	// Lint is any other advice.
	Lint = "lint"
)

// Finding is one risk of a planned migration.
type Finding struct {
	Kind string
	// Code identifies the rule: Atlas's analyzer codes (DS103, MF103,
	// BC102, …) when Atlas's sqlcheck reports the same risk, cpcgen's
	// own (CPC…) otherwise.
	Code string
	// Pos is the spec position that caused it (the column or table as
	// declared now), when there is one.
	Pos     ir.Pos
	Message string
	// Hint says how to proceed.
	Hint string
	// Blocks is set by Diff on a finding that stopped it: one of a
	// Blocking kind that the options did not allow.
	Blocks bool
}

// Blocking reports whether the finding is of a kind that stops a diff
// unless a flag allows it (see Options.allows).
func (f Finding) Blocking() bool {
	switch f.Kind {
	case Destructive, DataDependent, Breaking, Rewrite:
		return true
	}
	return false
}

// String formats the finding as `pos: kind (code): message; hint`.
func (f Finding) String() string {
	var b strings.Builder
	if f.Pos.IsValid() {
		b.WriteString(f.Pos.String() + ": ")
	}
	fmt.Fprintf(&b, "%s (%s): %s", f.Kind, f.Code, f.Message)
	if f.Hint != "" {
		b.WriteString("; " + f.Hint)
	}
	return b.String()
}

// objectSet holds the tables ("name") and columns ("table.column") a
// migration creates.
type objectSet map[string]bool

// newObjects returns the tables and columns changes create: a finding
// about a drop looks there for a renamed_from that missed it.
func newObjects(changes []schema.Change) objectSet {
	out := objectSet{}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			out[c.T.Name] = true
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				if a, ok := tc.(*schema.AddColumn); ok {
					out[c.T.Name+"."+a.C.Name] = true
				}
			}
		}
	}
	return out
}

// classify inspects the schema changes of a plan for destructive and
// data-dependent ones. The drops of contracted columns are neither: the
// migration that deferred them was allowed to drop them.
func classify(pkg *ir.Package, changes []schema.Change, contracted []*Pending, again map[string]bool, made objectSet) []Finding {
	var out []Finding
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			hint := "if the table was renamed, add renamed_from: " + c.T.Name + " to the new table"
			for _, t := range pkg.Tables {
				if made[t.SQLName] && t.RenamedFrom != "" && t.RenamedFrom != c.T.Name {
					hint = fmt.Sprintf("table %q (%s), which this migration creates, says renamed_from: %s, but the migrations make no table %q: if %q was renamed to %q, make that renamed_from: %s",
						t.SQLName, t.Pos, t.RenamedFrom, t.RenamedFrom, c.T.Name, t.SQLName, c.T.Name)
					break
				}
			}
			out = append(out, Finding{
				Kind: Destructive, Code: "CPC101",
				Message: fmt.Sprintf("drop table %q deletes all its rows", c.T.Name),
				Hint:    hint + "; if its data is no longer needed, run again with --allow-destructive",
			})
		case *schema.DropObject:
			if e, ok := c.O.(*schema.EnumType); ok {
				out = append(out, Finding{
					Kind: Destructive, Code: "CPC102",
					Message: fmt.Sprintf("drop enum type %q", e.T),
					Hint:    "if the enum was renamed, add renamed_from: " + e.T + " to it; otherwise run again with --allow-destructive",
				})
			}
		case *schema.ModifyTable:
			out = append(out, classifyTable(pkg, c, contracted, again, made)...)
		}
	}
	return out
}

func classifyTable(pkg *ir.Package, mt *schema.ModifyTable, contracted []*Pending, again map[string]bool, made objectSet) []Finding {
	var out []Finding
	table := mt.T.Name
	added := map[string]bool{}
	var dropped []*schema.Index // unique indexes and primary key the change drops
	regen := regeneratedColumns(mt)
	for _, c := range mt.Changes {
		if a, ok := c.(*schema.AddColumn); ok {
			added[a.C.Name] = true
		}
		switch c := c.(type) {
		case *schema.DropIndex:
			if c.I.Unique {
				dropped = append(dropped, c.I)
			}
		case *schema.DropPrimaryKey:
			dropped = append(dropped, c.P)
		case *schema.ModifyPrimaryKey:
			dropped = append(dropped, c.From)
		}
	}
	for _, c := range mt.Changes {
		switch c := c.(type) {
		case *schema.DropColumn:
			if findPending(contracted, table, c.C.Name) != nil || regen[c.C.Name] {
				continue
			}
			msg := fmt.Sprintf("drop column %q.%q deletes its values", table, c.C.Name)
			if _, why := dropFill(mt, c.C); why != "" {
				msg += fmt.Sprintf(", and the down migration cannot add it back while the table has rows: it is NOT NULL without a default, and %s, so no value fills the rows", why)
			}
			hint := "if the column was renamed, add renamed_from: " + c.C.Name + " to the new column"
			if t := pkg.Table(table); t != nil {
				for _, col := range t.Columns {
					if made[table+"."+col.SQLName] && col.RenamedFrom != "" && col.RenamedFrom != c.C.Name {
						hint = fmt.Sprintf("column %q (%s), which this migration adds, says renamed_from: %s, but %q has no column %q: if %q was renamed to %q, make that renamed_from: %s",
							col.SQLName, col.Pos, col.RenamedFrom, table, col.RenamedFrom, c.C.Name, col.SQLName, c.C.Name)
						break
					}
				}
			}
			out = append(out, Finding{
				Kind: Destructive, Code: "CPC103", Pos: tablePos(pkg, table),
				Message: msg,
				Hint:    hint + "; if its data is no longer needed, run again with --allow-destructive",
			})
		case *schema.AddColumn:
			if !c.C.Type.Null && c.C.Default == nil && !isIdentity(c.C) && !isGenerated(c.C) {
				out = append(out, Finding{
					Kind: DataDependent, Code: "CPC201", Pos: columnPos(pkg, table, c.C.Name),
					Message: fmt.Sprintf("add column %q.%q is NOT NULL without a default, which fails when the table has rows", table, c.C.Name),
					Hint:    "give it a default, or migrate in two steps: add it with nullable: true, backfill it, then drop nullable in the next migration; run again with --allow-destructive if the table is known to be empty",
				})
			}
		case *schema.ModifyColumn:
			pos := columnPos(pkg, table, c.To.Name)
			if c.Change.Is(schema.ChangeNull) && !c.To.Type.Null {
				out = append(out, Finding{
					Kind: DataDependent, Code: "CPC202", Pos: pos,
					Message: fmt.Sprintf("set NOT NULL on %q.%q fails while any row holds NULL", table, c.To.Name),
					Hint:    fmt.Sprintf("backfill first (UPDATE %s SET %s = … WHERE %s IS NULL) in an earlier migration, then run again with --allow-destructive", quote(table), quote(c.To.Name), quote(c.To.Name)),
				})
			}
			if retyped(c) {
				if f, ok := typeChange(table, c, pos); ok {
					out = append(out, f)
				}
			}
			if c.Change.Is(schema.ChangeType) && collationChanged(c.From, c.To) && inUniqueKey(mt.T, c.To.Name) {
				out = append(out, Finding{
					Kind: DataDependent, Code: "CPC207", Pos: pos,
					Message: fmt.Sprintf("changing collation of %q.%q to %s rebuilds its unique index and fails if the new collation takes two of its values as equal (a nondeterministic one: 'A@x' and 'a@x')", table, c.To.Name, collationName(c.To)),
					Hint:    fmt.Sprintf("look for such values first (SELECT %s COLLATE %s FROM %s GROUP BY 1 HAVING count(*) > 1), then run again with --allow-destructive", quote(c.To.Name), collationName(c.To), quote(table)),
				})
			}
		case *schema.AddIndex:
			if c.I.Unique && !again[table+"."+c.I.Name] && !allAdded(c.I, added) && !coversPrimaryKey(pkg, table, c.I) && !widens(c.I, dropped) {
				out = append(out, Finding{
					Kind: DataDependent, Code: "CPC203", Pos: indexPos(pkg, table, c.I),
					Message: fmt.Sprintf("add unique index %q on %q fails if existing rows hold duplicates", c.I.Name, table),
					Hint:    "check for duplicates first (SELECT …, count(*) … GROUP BY … HAVING count(*) > 1) and clean them up in an earlier migration, then run again with --allow-destructive",
				})
			}
		case *schema.AddPrimaryKey:
			if f, ok := newKey(pkg, mt, c.P, added, dropped); ok {
				out = append(out, f)
			}
		case *schema.ModifyPrimaryKey:
			if f, ok := newKey(pkg, mt, c.To, added, dropped); ok {
				out = append(out, f)
			}
		case *schema.ModifyIndex:
			switch {
			case c.To.Unique && !c.From.Unique:
				out = append(out, Finding{
					Kind: DataDependent, Code: "CPC203", Pos: indexPos(pkg, table, c.To),
					Message: fmt.Sprintf("make index %q on %q unique fails if existing rows hold duplicates", c.To.Name, table),
					Hint:    "clean up duplicates in an earlier migration, then run again with --allow-destructive",
				})
			case c.To.Unique && c.From.Unique && uniqueNarrowed(c.From, c.To) && !allAdded(c.To, added):
				// Its columns or its predicate change: rows unique under
				// the old key (those its predicate left out, or with other
				// values of a column it no longer holds) may not be.
				out = append(out, Finding{
					Kind: DataDependent, Code: "CPC203", Pos: indexPos(pkg, table, c.To),
					Message: fmt.Sprintf("change unique key %q on %q to %s fails if existing rows hold duplicates under it", c.To.Name, table, keyText(c.To)),
					Hint:    "check for duplicates first (SELECT …, count(*) … GROUP BY … HAVING count(*) > 1) and clean them up in an earlier migration, then run again with --allow-destructive",
				})
			case c.To.Unique && nullsNotDistinct(c.To) && !nullsNotDistinct(c.From):
				out = append(out, Finding{
					Kind: DataDependent, Code: "CPC203", Pos: indexPos(pkg, table, c.To),
					Message: fmt.Sprintf("make unique key %q on %q NULLS NOT DISTINCT fails if existing rows hold the same values with NULLs", c.To.Name, table),
					Hint:    "clean up the rows that would conflict in an earlier migration, then run again with --allow-destructive",
				})
			}
		case *schema.AddCheck:
			if again[table+"."+c.C.Name] {
				continue
			}
			col, pos := checkOwner(pkg, table, c.C.Name)
			if col != nil && added[col.SQLName] && col.DefaultPassesRules {
				// The check is a rule of a column this migration adds,
				// whose default (or NULL) the existing rows take and which
				// passes the rule: it cannot fail.
				continue
			}
			if col := checkColumn(pkg, table, c.C.Name); col != nil && added[col.SQLName] && columnCheckPasses(col) {
				// The same for a column's check: comparing it with a
				// number its default (or NULL) passes.
				continue
			}
			if !pos.IsValid() {
				pos = tablePos(pkg, table)
			}
			out = append(out, Finding{
				Kind: DataDependent, Code: "CPC204", Pos: pos,
				Message: fmt.Sprintf("add check %q on %q fails if an existing row violates (%s)", c.C.Name, table, c.C.Expr),
				Hint:    "fix violating rows in an earlier migration, then run again with --allow-destructive",
			})
		case *schema.ModifyCheck:
			out = append(out, Finding{
				Kind: DataDependent, Code: "CPC204", Pos: tablePos(pkg, table),
				Message: fmt.Sprintf("change check %q on %q to (%s) fails if an existing row violates it", c.To.Name, table, c.To.Expr),
				Hint:    "fix violating rows in an earlier migration, then run again with --allow-destructive",
			})
		case *schema.AddForeignKey:
			if !allColumnsAdded(c.F.Columns, added) && !again[table+"."+c.F.Symbol] {
				out = append(out, Finding{
					Kind: DataDependent, Code: "CPC205", Pos: columnPos(pkg, table, c.F.Columns[0].Name),
					Message: fmt.Sprintf("add foreign key %q on %q fails if an existing row references a missing %q row", c.F.Symbol, table, c.F.RefTable.Name),
					Hint:    "delete or fix orphaned rows in an earlier migration, then run again with --allow-destructive",
				})
			}
		}
	}
	return out
}

// newKey returns the finding for key, the primary key the change mt
// gives its table: building its index fails if rows hold the same
// values. A key over columns the change adds, or holding every column of
// a unique key that was there (one the change drops, or one it keeps,
// without a predicate), cannot fail, and gets none.
func newKey(pkg *ir.Package, mt *schema.ModifyTable, key *schema.Index, added map[string]bool, dropped []*schema.Index) (Finding, bool) {
	if allAdded(key, added) || widens(key, dropped) {
		return Finding{}, false
	}
	made := map[string]bool{}
	for _, c := range mt.Changes {
		switch c := c.(type) {
		case *schema.AddIndex:
			made[c.I.Name] = true
		case *schema.ModifyIndex:
			made[c.To.Name] = true
		}
	}
	var kept []*schema.Index
	for _, i := range mt.T.Indexes {
		if i.Unique && !made[i.Name] {
			kept = append(kept, i)
		}
	}
	if widens(key, kept) {
		return Finding{}, false
	}
	var cols []string
	for _, p := range key.Parts {
		if p.C != nil {
			cols = append(cols, quote(p.C.Name))
		}
	}
	table := mt.T.Name
	return Finding{
		Kind: DataDependent, Code: "CPC203", Pos: tablePos(pkg, table),
		Message: fmt.Sprintf("add primary key (%s) on %q fails if existing rows hold duplicates", strings.Join(cols, ", "), table),
		Hint: fmt.Sprintf("check for duplicates first (SELECT %s, count(*) FROM %s GROUP BY %s HAVING count(*) > 1) and clean them up in an earlier migration, then run again with --allow-destructive",
			strings.Join(cols, ", "), quote(table), strings.Join(cols, ", ")),
	}, true
}

// uniqueNarrowed reports whether the unique key to may refuse rows that
// from let be: its predicate is dropped or changed, unless only made
// stricter (a partial key covers fewer rows than a full one, or than a
// looser one), or it leaves out a column from holds. An expression key
// is not judged.
func uniqueNarrowed(from, to *schema.Index) bool {
	if pf, pt := predicateOf(from), predicateOf(to); pf != "" && pf != pt && !stricter(pt, pf) {
		return true
	}
	for _, p := range from.Parts {
		if p.C == nil {
			return false
		}
		if !slices.ContainsFunc(to.Parts, func(q *schema.IndexPart) bool { return q.C != nil && q.C.Name == p.C.Name }) {
			return true
		}
	}
	return false
}

// stricter reports whether the condition to holds every top-level AND
// term of from (and more): a row it lets through, from does. A condition
// with BETWEEN, whose AND is not a conjunction, is not judged.
func stricter(to, from string) bool {
	toTerms, fromTerms := conjuncts(to), conjuncts(from)
	if toTerms == nil || fromTerms == nil {
		return false
	}
	for _, t := range fromTerms {
		if !slices.Contains(toTerms, t) {
			return false
		}
	}
	return true
}

// conjuncts returns the top-level AND terms of the SQL condition w, at
// any depth of parentheses around them, each without those parentheses,
// as sqllex normalizes text; nil when w does not lex or holds BETWEEN.
func conjuncts(w string) []string {
	toks, err := sqllex.Lex(w)
	if err != nil || slices.ContainsFunc(toks, func(t sqllex.Tok) bool { return t.Is("BETWEEN") }) {
		return nil
	}
	var out []string
	var split func([]sqllex.Tok)
	split = func(toks []sqllex.Tok) {
		toks = unwrapped(toks)
		terms := sqllex.Split(toks, func(t sqllex.Tok) bool { return t.Is("AND") })
		if len(terms) <= 1 {
			out = append(out, sqllex.NormText(toks))
			return
		}
		for _, term := range terms {
			split(term)
		}
	}
	split(toks)
	return out
}

// unwrapped returns toks without the parentheses around the whole of
// them, as many pairs as there are.
func unwrapped(toks []sqllex.Tok) []sqllex.Tok {
	for len(toks) >= 2 && toks[0].IsPunct("(") && sqllex.Closing(toks, 0) == len(toks)-1 {
		toks = toks[1 : len(toks)-1]
	}
	return toks
}

// keyText spells a unique key's columns (expressions as "expression")
// and predicate for a message: ("org_id", "email") WHERE deleted_at IS
// NULL.
func keyText(i *schema.Index) string {
	var parts []string
	for _, p := range i.Parts {
		if p.C != nil {
			parts = append(parts, quote(p.C.Name))
		} else {
			parts = append(parts, "expression")
		}
	}
	out := "(" + strings.Join(parts, ", ") + ")"
	if w := predicateOf(i); w != "" {
		out += " WHERE " + w
	}
	return out
}

// checkOwner returns the column whose validation rule the named check of
// table implements (nil for a column's check: or a table check), and
// where the spec declares the check.
func checkOwner(pkg *ir.Package, table, name string) (*ir.Column, ir.Pos) {
	for _, t := range pkg.Tables {
		if t.SQLName != table {
			continue
		}
		for _, c := range t.Columns {
			for _, r := range c.Rules {
				if r.Check != nil && r.Check.SQLName == name {
					return c, r.Check.Pos
				}
			}
		}
		for _, k := range t.Checks {
			if k.SQLName == name {
				return nil, k.Pos
			}
		}
	}
	return nil, ir.Pos{}
}

// typeChange classifies a column type change: widening is safe,
// narrowing destructive, any other conversion data-dependent.
func typeChange(table string, c *schema.ModifyColumn, pos ir.Pos) (Finding, bool) {
	if fe, te := replacedEnum(c); fe != nil {
		gone, _ := enumLoss(fe, te)
		if len(gone) == 0 {
			return Finding{}, false // every value converts
		}
		hint := fmt.Sprintf("update the rows holding them in an earlier migration (UPDATE %s SET %s = … WHERE …), then run again with --allow-destructive", quote(table), quote(c.To.Name))
		if old, label, ok := renamedLabel(fe, te); ok {
			hint = fmt.Sprintf("if %q was renamed to %q, write it {label: %s, renamed_from: %s} in the enum's values, which renames it in place and keeps the rows; else %s",
				old, label, yamlScalar(label), yamlScalar(old), hint)
		}
		return Finding{
			Kind: Destructive, Code: "CPC105", Pos: pos,
			Message: fmt.Sprintf("enum type %q drops %s: converting %q.%q to the new type fails while a row holds one", te.T, quotedList(gone), table, c.To.Name),
			Hint:    hint,
		}, true
	}
	from, to := c.From.Type.Type, c.To.Type.Type
	desc := fmt.Sprintf("%q.%q from %s to %s", table, c.To.Name, typeString(from), typeString(to))
	switch widening(from, to) {
	case 1:
		return Finding{}, false
	case -1:
		return Finding{
			Kind: Destructive, Code: "CPC104", Pos: pos,
			Message: "narrowing type of " + desc + " fails or cuts values that do not fit",
			Hint:    "check that every value fits first, then run again with --allow-destructive; or add a new column, backfill it, and drop the old one in a later migration",
		}, true
	}
	return Finding{
		Kind: DataDependent, Code: "CPC206", Pos: pos,
		Message: "changing type of " + desc + " rewrites the table and fails if a value does not convert",
		Hint:    "test the conversion on a copy of the data (the migration casts with USING where PostgreSQL needs it), then run again with --allow-destructive",
	}, true
}

// widening returns 1 when every value of from fits into to, -1 when some
// may not, 0 when the types are of different kinds.
func widening(from, to schema.Type) int {
	switch f := from.(type) {
	case *schema.IntegerType:
		if t, ok := to.(*schema.IntegerType); ok {
			from, to := pgtypes.Find(f.T), pgtypes.Find(t.T)
			if from != nil && to != nil && pgtypes.Widens(from, to) {
				return 1
			}
			return -1
		}
	case *schema.StringType:
		if t, ok := to.(*schema.StringType); ok {
			switch {
			case f.T == t.T && t.Size == 0, t.T == "text":
				return 1
			case f.T == t.T && f.Size > 0 && t.Size >= f.Size:
				return 1
			case f.T == "character" || t.T == "character":
				return 0
			}
			return -1
		}
	case *schema.DecimalType:
		switch t := to.(type) {
		case *schema.IntegerType:
			if f.Precision == 0 || f.Scale > 0 {
				return -1 // the fractions are rounded away
			}
		case *schema.FloatType:
			if f.Precision == 0 || f.Precision > floatDigits(t) {
				return -1 // digits the float does not hold are rounded away
			}
		}
		if t, ok := to.(*schema.DecimalType); ok {
			switch {
			case t.Precision == 0:
				return 1
			case f.Precision == 0:
				return -1
			case t.Scale >= f.Scale && t.Precision-t.Scale >= f.Precision-f.Scale:
				return 1
			}
			return -1
		}
	case *schema.FloatType:
		switch t := to.(type) {
		case *schema.FloatType:
			if floatBits(t) >= floatBits(f) {
				return 1
			}
			return -1 // double precision to real rounds every value
		case *schema.IntegerType:
			return -1 // the fractions are rounded away
		case *schema.DecimalType:
			if t.Precision > 0 {
				return -1 // rounded to the scale
			}
		}
	case *schema.TimeType:
		if t, ok := to.(*schema.TimeType); ok {
			fk, tk := timeKind(f.T), timeKind(t.T)
			switch {
			case (fk == "timestamp" || fk == "timestamptz") && tk == "date":
				return -1 // the time of day goes
			case fk == tk && fk != "" && secondDigits(t.Precision) >= secondDigits(f.Precision):
				return 1
			case fk == tk && fk != "":
				return -1 // fractions of a second are rounded away
			}
		}
	case *postgres.IntervalType:
		if t, ok := to.(*postgres.IntervalType); ok {
			if (t.F == "" || strings.EqualFold(t.F, f.F)) && secondDigits(t.Precision) >= secondDigits(f.Precision) {
				return 1
			}
			return -1 // fields or fractions of a second are cut away
		}
	}
	return 0
}

// floatBits is the bits of mantissa of a floating-point type: 24 for
// real, 53 for double precision.
func floatBits(t *schema.FloatType) int {
	if t.Precision > 0 {
		return t.Precision
	}
	switch strings.ToLower(t.T) {
	case "real", "float4":
		return 24
	}
	return 53
}

// floatDigits is the decimal digits a floating-point type holds
// exactly: 6 for real, 15 for double precision.
func floatDigits(t *schema.FloatType) int {
	if floatBits(t) <= 24 {
		return 6
	}
	return 15
}

// timeKind names a date/time type by its kind, whatever its spelling:
// timestamp, timestamptz, date, time, timetz; "" for another.
func timeKind(t string) string {
	switch strings.ToLower(t) {
	case "timestamp", "timestamp without time zone":
		return "timestamp"
	case "timestamptz", "timestamp with time zone":
		return "timestamptz"
	case "date":
		return "date"
	case "time", "time without time zone":
		return "time"
	case "timetz", "time with time zone":
		return "timetz"
	}
	return ""
}

// secondDigits is the digits of a second a time, timestamp or interval
// type keeps: its precision, 6 when it has none.
func secondDigits(p *int) int {
	if p == nil {
		return 6
	}
	return *p
}

// isGenerated reports whether c is a generated column, whose value the
// database computes for every row.
func isGenerated(c *schema.Column) bool { return generatedExpr(c) != nil }

// isIdentity reports whether a sequence numbers c: an identity column,
// or a serial one (its type a serial type, its default nextval).
func isIdentity(c *schema.Column) bool {
	if _, ok := c.Type.Type.(*postgres.SerialType); ok {
		return true
	}
	for _, a := range c.Attrs {
		if _, ok := a.(*postgres.Identity); ok {
			return true
		}
	}
	return false
}

// retyped reports whether c changes its column's type: a column that
// turns serial or stops being serial (its type a serial type or the
// serial's integer type) keeps its type, as PostgreSQL sees it, and
// only gains or loses the default and sequence.
func retyped(c *schema.ModifyColumn) bool {
	return c.Change.Is(schema.ChangeType) && !serialOnly(c.From.Type.Type, c.To.Type.Type)
}

// serialOnly reports whether a and b are one integer type, serial in one
// of them only.
func serialOnly(a, b schema.Type) bool {
	if _, ok := b.(*postgres.SerialType); ok {
		a, b = b, a
	}
	s, ok := a.(*postgres.SerialType)
	i, isInt := b.(*schema.IntegerType)
	if !ok || !isInt {
		return false
	}
	// The serial type of i, as Atlas spells the integer types.
	var is postgres.SerialType
	is.SetType(i)
	return is.T != "" && is.IntegerType().T == s.IntegerType().T
}

// nullsNotDistinct reports whether the NULLs of unique key i conflict
// (NULLS NOT DISTINCT).
func nullsNotDistinct(i *schema.Index) bool {
	return slices.Contains(indexAttrs(i), "nulls not distinct")
}

// numbering names how a sequence numbers c, a column isIdentity
// reports: "identity" or "serial".
func numbering(c *schema.Column) string {
	if _, ok := c.Type.Type.(*postgres.SerialType); ok {
		return "serial"
	}
	return "identity"
}

func allAdded(i *schema.Index, added map[string]bool) bool {
	for _, p := range i.Parts {
		if p.C == nil || !added[p.C.Name] {
			return false
		}
	}
	return true
}

func allColumnsAdded(cols []*schema.Column, added map[string]bool) bool {
	for _, c := range cols {
		if !added[c.Name] {
			return false
		}
	}
	return true
}

func tablePos(pkg *ir.Package, name string) ir.Pos {
	if t := pkg.Table(name); t != nil {
		return t.Pos
	}
	return ir.Pos{}
}

func columnPos(pkg *ir.Package, table, column string) ir.Pos {
	if t := pkg.Table(table); t != nil {
		if c := t.Column(column); c != nil {
			return c.Pos
		}
		return t.Pos
	}
	return ir.Pos{}
}

// coversPrimaryKey reports whether idx holds every column of table's
// primary key: the rows cannot hold duplicates of it (a tenant key
// (tenant, id) for tenant-scoped foreign keys).
func coversPrimaryKey(pkg *ir.Package, table string, idx *schema.Index) bool {
	t := pkg.Table(table)
	if t == nil || len(t.PK) == 0 {
		return false
	}
	for _, c := range t.PK {
		if !slices.ContainsFunc(idx.Parts, func(p *schema.IndexPart) bool { return p.C != nil && p.C.Name == c.SQLName }) {
			return false
		}
	}
	return true
}

// widens reports whether idx holds every column of one of the unique
// indexes (or the primary key) the same change drops, with the same
// predicate (a key made per tenant: (email) becomes (org_id, email)):
// rows unique under the old index are unique under it.
func widens(idx *schema.Index, dropped []*schema.Index) bool {
	for _, d := range dropped {
		if predicateOf(d) != predicateOf(idx) || len(d.Parts) == 0 {
			continue
		}
		all := true
		for _, p := range d.Parts {
			if p.C == nil || !slices.ContainsFunc(idx.Parts, func(q *schema.IndexPart) bool { return q.C != nil && q.C.Name == p.C.Name }) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// predicateOf is the predicate of a partial index, or "".
func predicateOf(idx *schema.Index) string {
	for _, a := range idx.Attrs {
		if p, ok := a.(*postgres.IndexPredicate); ok {
			return p.P
		}
	}
	return ""
}

func indexPos(pkg *ir.Package, table string, idx *schema.Index) ir.Pos {
	t := pkg.Table(table)
	if t == nil {
		return ir.Pos{}
	}
	for _, c := range t.Columns {
		if c.Unique && c.UniqueName == idx.Name {
			return c.Pos
		}
	}
	for _, ix := range t.Indexes {
		if ix.Name == idx.Name {
			return ix.Pos
		}
	}
	return t.Pos
}

// lintQueries is cpcgen's own spec-aware rule: a raw query that still
// names a column or table the migration drops or renames.
func lintQueries(pkg *ir.Package, changes []schema.Change) []Finding {
	type gone struct{ table, column, what string }
	var goneList []gone
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			goneList = append(goneList, gone{table: c.T.Name, what: "drops"})
		case *schema.RenameTable:
			goneList = append(goneList, gone{table: c.From.Name, what: "renames"})
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				switch tc := tc.(type) {
				case *schema.DropColumn:
					goneList = append(goneList, gone{table: c.T.Name, column: tc.C.Name, what: "drops"})
				case *schema.RenameColumn:
					goneList = append(goneList, gone{table: c.T.Name, column: tc.From.Name, what: "renames"})
				}
			}
		}
	}
	var out []Finding
	for _, t := range pkg.Tables {
		for _, q := range t.Queries {
			if q.Kind != ir.Raw {
				continue
			}
			for _, g := range goneList {
				name, desc := g.table, fmt.Sprintf("%q", g.table)
				if g.column != "" {
					name, desc = g.column, fmt.Sprintf("%q.%q", g.table, g.column)
					if !mentions(q.SQL, g.table) && t.SQLName != g.table {
						continue
					}
				}
				if !mentions(q.SQL, name) {
					continue
				}
				pos := q.SQLPos
				if !pos.IsValid() {
					pos = q.Pos
				}
				out = append(out, Finding{
					Kind: Lint, Code: "CPC301", Pos: pos,
					Message: fmt.Sprintf("query %s.%s still uses %s, which this migration %s", t.SQLName, q.Name, desc, g.what),
					Hint:    "update the query's SQL in the same change",
				})
			}
		}
	}
	return out
}

// mentions reports whether sql names the identifier, quoted or not.
func mentions(sql, ident string) bool {
	re := regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_$"])"?` + regexp.QuoteMeta(ident) + `"?($|[^A-Za-z0-9_$"])`)
	return re.MatchString(sql)
}

// atlasLint runs Atlas's own PostgreSQL analyzers (destructive,
// data-dependent, backward-incompatible, constraint drop) on the planned
// file and returns their diagnostics as findings.
func atlasLint(pkg *ir.Package, file string, up []byte, p *Planned, from, to *schema.Schema) ([]Finding, error) {
	analyzers, err := sqlcheck.AnalyzerFor(postgres.DriverName, &schemahcl.Resource{})
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	off := false
	for _, a := range analyzers {
		switch a := a.(type) {
		case *destructive.Analyzer:
			a.Error = &off
		case *datadepend.Analyzer:
			a.Error = &off
		case *condrop.Analyzer:
			a.Error = &off
		case *incompatible.Analyzer:
			a.Error = &off
		}
	}
	f := &sqlcheck.File{
		File: migrate.NewLocalFile(file, up),
		From: schema.NewRealm(from),
		To:   schema.NewRealm(to),
	}
	seen := map[schema.Change]bool{}
	var sources []schema.Change
	for _, c := range p.Changes {
		if c.Source != nil {
			sources = append(sources, c.Source)
		}
	}
	regen := regeneratedIn(sources)
	pos := 0
	for _, c := range p.Changes {
		stmt := &migrate.Stmt{Pos: pos, Text: c.Cmd}
		pos += len(c.Cmd) + 2
		if c.Source == nil || seen[c.Source] {
			continue
		}
		seen[c.Source] = true
		src := withoutRegenerated(c.Source, regen)
		f.Changes = append(f.Changes, &sqlcheck.Change{Changes: schema.Changes{src}, Stmt: stmt})
		f.Sum = append(f.Sum, src)
	}
	var out []Finding
	pass := &sqlcheck.Pass{
		File: f,
		Reporter: sqlcheck.ReportWriterFunc(func(r sqlcheck.Report) {
			for _, d := range r.Diagnostics {
				if filledColumn(d.Text, to) {
					continue
				}
				out = append(out, Finding{Kind: atlasKind(d.Code), Code: d.Code, Message: d.Text})
			}
		}),
	}
	for _, a := range analyzers {
		if err := a.Analyze(context.Background(), pass); err != nil {
			return nil, fmt.Errorf("lint: %w", err)
		}
	}
	return out, nil
}

// notNullAdded matches the analyzers' warning that adding a NOT NULL
// column without a default fails on a table with rows: its type, column
// and table.
var notNullAdded = regexp.MustCompile(`^Adding a non-nullable "([^"]*)" column "([^"]+)" will fail in case table "([^"]+)"`)

// filledColumn reports whether the diagnostic text is notNullAdded's
// for a column PostgreSQL fills in the rows there are: a serial, identity
// or generated column of to, which the analyzers take for one without a
// default.
func filledColumn(text string, to *schema.Schema) bool {
	m := notNullAdded.FindStringSubmatch(text)
	if m == nil {
		return false
	}
	if strings.HasSuffix(m[1], "serial") {
		return true
	}
	if to == nil {
		return false
	}
	t, ok := to.Table(m[3])
	if !ok {
		return false
	}
	c, ok := t.Column(m[2])
	return ok && (isGenerated(c) || isIdentity(c))
}

// atlasKind maps an Atlas analyzer code to a finding kind.
func atlasKind(code string) string {
	switch {
	case strings.HasPrefix(code, "DS"):
		return Destructive
	case strings.HasPrefix(code, "MF"):
		return DataDependent
	case strings.HasPrefix(code, "BC"):
		return Breaking
	}
	return Lint
}

// merge folds Atlas's findings into cpcgen's: one that names the same
// object as a cpcgen finding of the same kind lends it its code (for a
// unique index, MF101, only to a CPC203 finding, by its name and its
// table's);
// the others are kept as they are, but never block on their own
// (cpcgen's rules decide what blocks), except MF101 (a unique index that
// may fail on duplicates): classifyTable reports every such index it
// cannot prove unique as CPC203, so one it did not names an index over
// rows that are unique already (a key kept, widened, over new columns).
func merge(own, atlas []Finding) []Finding {
	out := append([]Finding(nil), own...)
	for _, a := range atlas {
		best, score := -1, 0
		if a.Code == "MF101" {
			score = 1 // the index's name and its table's
		}
		for i := range out {
			if out[i].Kind != a.Kind || strings.Contains(out[i].Code, a.Code) ||
				a.Code == "MF101" && !strings.Contains(out[i].Code, "CPC203") {
				continue
			}
			if n := shared(out[i].Message, a.Message); n > score {
				best, score = i, n
			}
		}
		if best >= 0 {
			out[best].Code += ", " + a.Code
		} else if a.Code != "MF101" {
			if a.Blocking() {
				a.Kind = Lint
			}
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

func rank(f Finding) int {
	switch f.Kind {
	case Destructive:
		return 0
	case DataDependent:
		return 1
	case Breaking:
		return 2
	case Rewrite:
		return 3
	case Incompatible:
		return 4
	case Deferred:
		return 5
	}
	return 6
}

var quotedRE = regexp.MustCompile(`"([^"]+)"`)

// shared counts the quoted identifiers two messages have in common.
func shared(a, b string) int {
	have := map[string]bool{}
	for _, m := range quotedRE.FindAllStringSubmatch(a, -1) {
		have[m[1]] = true
	}
	n := 0
	for _, m := range quotedRE.FindAllStringSubmatch(b, -1) {
		if have[m[1]] {
			n++
			delete(have, m[1])
		}
	}
	return n
}

// checkColumn returns the column of table whose check: is the check
// named name, or nil.
func checkColumn(pkg *ir.Package, table, name string) *ir.Column {
	t := pkg.Table(table)
	if t == nil {
		return nil
	}
	for _, c := range t.Columns {
		if c.Check != "" && c.CheckName == name {
			return c
		}
	}
	return nil
}

// comparisonRE matches a check comparing a column with a number:
// category >= 0, ("max_size" > (-1)).
var comparisonRE = regexp.MustCompile(`^\(?\s*("?)(\w+)"?\s*(>=|<=|<>|!=|>|<|=)\s*\(?\s*(-?\d+(?:\.\d+)?)\s*\)?\s*\)?$`)

// columnCheckPasses reports whether the check: of col, a column the
// migration adds, holds for the value every existing row then takes: a
// comparison of the column with a number, and a literal number default
// that satisfies it (Nakama adds category smallint NOT NULL DEFAULT 0
// CHECK (category >= 0)), or no default on a nullable column, whose
// NULL a comparison passes.
func columnCheckPasses(col *ir.Column) bool {
	m := comparisonRE.FindStringSubmatch(strings.TrimSpace(col.Check))
	if m == nil || m[2] != col.SQLName {
		return false
	}
	d := col.Default
	switch {
	case d == nil:
		return col.Nullable && !col.Identity && col.Generated == ""
	case d.Kind != ir.DefaultLiteral:
		return false
	}
	v, ok1 := new(big.Rat).SetString(d.Literal)
	bound, ok2 := new(big.Rat).SetString(m[4])
	if !ok1 || !ok2 {
		return false
	}
	cmp := v.Cmp(bound)
	switch m[3] {
	case ">=":
		return cmp >= 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case "<":
		return cmp < 0
	case "=":
		return cmp == 0
	}
	return cmp != 0
}
