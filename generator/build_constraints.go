package generator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// buildConstraints names t's constraints and their sentinels, in schema
// order, and declares the sentinels.
func (b *builder) buildConstraints(t *ir.Table) {
	st := b.tableSpec[t]
	add := func(k *ir.Constraint) {
		k.Table = t
		t.Constraints = append(t.Constraints, k)
		if k.Kind == ir.CheckConstraint {
			t.Checks = append(t.Checks, k)
		}
	}
	fields := func(cols []*spec.Column) string {
		var s string
		for _, c := range cols {
			s += names.GoName(c.Name)
		}
		return s
	}
	columnList := func(cols []*spec.Column) string {
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = c.Name
		}
		return strings.Join(parts, ", ")
	}
	if len(st.PrimaryKey) > 0 {
		add(&ir.Constraint{
			Kind: ir.PrimaryKeyConstraint, SQLName: t.PKName, SpecName: "primary_key",
			Sentinel: "Err" + t.Model + fields(st.PrimaryKey) + "Taken", Pos: st.Pos,
			Doc: fmt.Sprintf("the primary key (%s)", columnList(st.PrimaryKey)),
		})
	}
	for _, c := range t.Columns {
		if c.UniqueName != "" {
			add(&ir.Constraint{
				Kind: ir.UniqueConstraint, SQLName: c.UniqueName, SpecName: c.SQLName + ".unique",
				Sentinel: "Err" + t.Model + c.Field + "Taken", Pos: c.Pos,
				Doc: uniqueColumnDoc(c),
			})
		}
	}
	for i, ix := range st.Indexes {
		if !ix.Unique {
			continue
		}
		var cols []*spec.Column
		var parts []string
		allCols := true
		for _, p := range ix.Parts {
			if p.Column == nil {
				allCols = false
				parts = append(parts, p.Expr)
				continue
			}
			cols = append(cols, p.Column)
			parts = append(parts, p.Column.Name)
		}
		name := t.Indexes[i].Name
		taken := func(suffix string) bool {
			return slices.ContainsFunc(t.Constraints, func(k *ir.Constraint) bool { return k.Sentinel == "Err"+t.Model+suffix+"Taken" })
		}
		byName := constraintStem(t, name, "_key")
		suffix := byName
		if allCols {
			suffix = fields(cols)
			if taken(suffix) {
				// Another key over the same columns has the columns' name:
				// the index is known by its name.
				suffix = byName
			}
		}
		if taken(suffix) {
			// And, when that is the columns' name too (Prisma's
			// "Step_id_key" beside the primary key, GoAlert's
			// escalation_policies_name on lower(name) beside the unique
			// column name), as an index.
			suffix += "Index"
		}
		specName := ix.Name
		if specName == "" {
			specName = "unique(" + strings.Join(parts, ", ") + ")"
		}
		add(&ir.Constraint{
			Kind: ir.UniqueConstraint, SQLName: name, SpecName: specName,
			Sentinel: "Err" + t.Model + suffix + "Taken", Pos: ix.Pos,
			Doc: fmt.Sprintf("the unique %s on (%s)", keyKind(t.Indexes[i]), strings.Join(indexColumns(t.Indexes[i], parts), ", ")),
		})
	}
	for _, c := range t.Columns {
		if b.columnSpec[c].Check != "" {
			add(&ir.Constraint{
				Kind: ir.CheckConstraint, SQLName: c.CheckName, SpecName: c.SQLName + ".check",
				Sentinel: "Err" + t.Model + c.Field + "Check", Expr: c.Check, Pos: c.CheckPos,
				Doc: fmt.Sprintf("the check of column %s (%s)", c.SQLName, b.columnSpec[c].Check),
			})
		}
		for _, k := range b.colChecks[c] {
			add(k)
		}
	}
	for i, chk := range st.Checks {
		name, specName, suffix := chk.Name, chk.Name, constraintStem(t, chk.Name, "_check")
		if name == "" {
			name = names.Constraint(t.SQLName, "check"+strconv.Itoa(i+1))
			specName = "checks[" + strconv.Itoa(i) + "]"
			suffix = strconv.Itoa(i + 1)
		}
		add(&ir.Constraint{
			Kind: ir.CheckConstraint, SQLName: name, SpecName: specName,
			Sentinel: "Err" + t.Model + suffix + "Check", Expr: chk.Expr, Pos: chk.Pos,
			Doc: fmt.Sprintf("the check %s", chk.Expr),
		})
	}
	for _, c := range t.Columns {
		if ref := b.columnSpec[c].References; ref != nil {
			add(&ir.Constraint{
				Kind: ir.ForeignKeyConstraint, SQLName: fkName(t, c, ref), SpecName: c.SQLName + ".references",
				Sentinel: "Err" + t.Model + c.Field + "NotFound", Column: c, Pos: ref.Pos,
				Doc: fmt.Sprintf("the foreign key %s → %s.%s", c.SQLName, ref.Table.Name, ref.Column.Name),
			})
			if target := ref.Table; target.SoftDelete != nil && !ref.Column.PrimaryKey {
				b.errs.Add(ref.Pos, "column %q references %s.%s, which is unique only among the live rows of the soft_delete table %s; reference its primary key",
					c.SQLName, target.Name, ref.Column.Name, target.Name)
			}
		}
	}
	seen := map[string]*ir.Constraint{}
	for _, k := range t.Constraints {
		if prev, dup := seen[k.SQLName]; dup {
			b.errs.Add(k.Pos, "constraint name %q of table %q is also the name of %s at %s; name one of them differently", k.SQLName, t.SQLName, prev.Doc, prev.Pos)
			continue
		}
		seen[k.SQLName] = k
		if other := b.sentinelTable[k.Sentinel]; other != nil && other != t && !b.clash[t] {
			// Another table's model and columns spell the same name
			// (ledger_transaction_groups' key on id and
			// ledger_transactions' on group_id: both
			// ErrLedgerTransactionGroupIDTaken). A database's constraints
			// cannot be renamed at will: the later one is known by an
			// underscore after its model (ErrLedgerTransaction_GroupIDTaken),
			// which no name derived from a table's or a column's name has.
			if rest, ok := strings.CutPrefix(k.Sentinel, "Err"+t.Model); ok {
				k.Sentinel = "Err" + t.Model + "_" + rest
			}
		}
		b.sentinelTable[k.Sentinel] = t
		b.declareDerived(t, k.Sentinel, fmt.Sprintf("the sentinel of %s of table %q", k.Doc, t.SQLName), k.Pos)
	}
}

// constraintStem is the Go name a sentinel of t gives the constraint
// (or unique index) named name: the name without t's (or its model's)
// prefix and without the kind's suffix, so that table transactions'
// check transactions_accounts_match is ErrTransactionAccountsMatchCheck.
func constraintStem(t *ir.Table, name, suffix string) string {
	stem := strings.TrimSuffix(name, suffix)
	for _, prefix := range []string{t.SQLName + "_", names.Singular(t.SQLName) + "_"} {
		if rest, ok := strings.CutPrefix(stem, prefix); ok && rest != "" {
			stem = rest
			break
		}
	}
	if g := names.GoName(stem); g != "" {
		return g
	}
	return names.GoName(name)
}

// buildReferencedSentinels gives each foreign key of t that can refuse
// to delete or re-key a referenced row (any but a key that cascades or
// sets null both ways) its second sentinel, declared with the referenced
// table: ErrWarehouseReferencedByStock, with the column's field when t
// has several keys to that table (ErrAccountReferencedByTransferFromID);
// a name another key's already has gets an underscore before the field
// (ErrAccountHeadingReferencedByAccount_Heading).
func (b *builder) buildReferencedSentinels(t *ir.Table) {
	keys := map[*ir.Table]int{}
	for _, c := range t.Columns {
		if c.References != nil {
			keys[c.References.Table]++
		}
	}
	acts := func(action string) bool {
		return action == "cascade" || action == "set null" || action == "set default"
	}
	for _, k := range t.Constraints {
		if k.Kind != ir.ForeignKeyConstraint || k.Referenced {
			continue
		}
		ref := k.Column.References
		if ref == nil || (acts(ref.OnDelete) && acts(ref.OnUpdate)) {
			continue
		}
		parent := ref.Table
		name := "Err" + parent.Model + "ReferencedBy" + t.Model
		if keys[parent] > 1 {
			name += k.Column.Field
		}
		if _, taken := b.idents[name]; taken && !b.clash[t] {
			// Another child and its column spell the same name (the
			// key account.heading and account_heading's own key:
			// Account+Heading and AccountHeading): this one has an
			// underscore before its column's field, which no name
			// derived from a table's or a column's name has.
			name = "Err" + parent.Model + "ReferencedBy" + t.Model + "_" + k.Column.Field
		}
		r := &ir.Constraint{
			Kind: ir.ForeignKeyConstraint, Table: t, Column: k.Column, SQLName: k.SQLName, SpecName: k.SpecName,
			Sentinel: name, Referenced: true, Pos: k.Pos,
			Doc: fmt.Sprintf("the foreign key %s.%s → %s.%s", t.SQLName, k.Column.SQLName, parent.SQLName, ref.Column.SQLName),
		}
		parent.Referenced = append(parent.Referenced, r)
		b.declareDerived(parent, r.Sentinel, fmt.Sprintf("the sentinel of rows of table %q still referenced by %s", parent.SQLName, r.Doc), r.Pos)
	}
}

// uniqueColumnDoc describes the unique constraint of column c: "the
// unique column email", "(per org_id)" when it holds within each tenant.
func uniqueColumnDoc(c *ir.Column) string {
	if c.UniqueTenant != nil {
		return fmt.Sprintf("the unique column %s (per %s)", c.SQLName, c.UniqueTenant.SQLName)
	}
	return fmt.Sprintf("the unique column %s", c.SQLName)
}

// indexColumns returns the parts of a unique index as the database has
// them: the spec's parts, after the tenant column the build put first.
func indexColumns(ix *ir.Index, parts []string) []string {
	if extra := len(ix.Parts) - len(parts); extra > 0 {
		var out []string
		for _, p := range ix.Parts[:extra] {
			out = append(out, p.Column.SQLName)
		}
		return append(out, parts...)
	}
	return parts
}

// keyKind names what a unique key of a table's indexes is in the
// database: a unique constraint or a unique index.
func keyKind(ix *ir.Index) string {
	if ix.Constraint {
		return "constraint"
	}
	return "index"
}
