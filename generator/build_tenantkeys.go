package generator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// Tenant-scoped keys. On a tenant table, a key that other tenants' rows
// take part in lets one tenant act on or observe another: a foreign key
// accepts another tenant's id (and answers whether it exists), a unique
// key refuses a value another tenant holds. So, by default, keys between
// tables of one tenant include the tenant column: a foreign key is
// (tenant, column) REFERENCES parent (tenant, key), and a unique key is
// (tenant, columns). global: true keeps a unique key across tenants.

// uniqueScope returns the tenant column t's unique keys start with, or
// nil when they are global: t has no tenant, the key says global: true,
// or t is the tenant itself (its tenant column is its primary key, so
// scoping a key by it would make the key unique per row).
func uniqueScope(t *ir.Table, global bool) *ir.Column {
	if t.Tenant == nil || global || isTenantItself(t) {
		return nil
	}
	return t.Tenant
}

// isTenantItself reports whether t's rows are the tenants: its tenant
// column is its whole primary key (organizations with tenant: id).
func isTenantItself(t *ir.Table) bool {
	return len(t.PK) == 1 && t.PK[0] == t.Tenant
}

// scopeUniqueKeys puts the tenant column first in the unique columns and
// unique indexes of t that are not global.
func scopeUniqueKeys(t *ir.Table, st *spec.Table) {
	for _, c := range t.Columns {
		if c.UniqueName == "" {
			continue
		}
		for _, sc := range st.Columns {
			if sc.Name == c.SQLName && c != t.Tenant {
				c.UniqueTenant = uniqueScope(t, sc.Global)
			}
		}
	}
	for i, ix := range t.Indexes {
		tc := uniqueScope(t, st.Indexes[i].Global)
		if !ix.Unique || tc == nil || slices.ContainsFunc(ix.Parts, func(p *ir.IndexPart) bool { return p.Column == tc }) {
			continue
		}
		ix.Parts = append([]*ir.IndexPart{{Column: tc, Pos: ix.Pos}}, ix.Parts...)
	}
}

// scopedKeyColumns returns the columns of the unique key cols of t as
// the database holds it: the tenant column first when the key is scoped
// by tenant and does not already hold it.
func scopedKeyColumns(t *ir.Table, cols []*ir.Column, global bool) []*ir.Column {
	tc := uniqueScope(t, global)
	if tc == nil || slices.Contains(cols, tc) {
		return cols
	}
	return append([]*ir.Column{tc}, cols...)
}

// scopeReference makes the foreign key of c, a column of t, include the
// tenant column when t and the referenced table are scoped by the same
// tenant, and gives the referenced table the unique key (tenant, key)
// the foreign key needs. A key that is the tenant column itself, or that
// references the referenced table's tenant column (the tenant table's
// id), stays as written.
func (b *builder) scopeReference(t *ir.Table, c *ir.Column) {
	ref := c.References
	parent := ref.Table
	if t.Tenant == nil || parent == nil || parent.Tenant == nil || ref.Column == nil {
		return
	}
	if c == t.Tenant || ref.Column == parent.Tenant {
		return
	}
	if ref.OnUpdate == "set null" || ref.OnUpdate == "set default" {
		b.errs.Add(ref.Pos, "column %q: on_update: %s would also %s the tenant column %s, which the tenant-scoped foreign key to table %s includes; use cascade or restrict",
			c.SQLName, ref.OnUpdate, ref.OnUpdate, t.Tenant.SQLName, parent.SQLName)
		return
	}
	if e := b.proj.Config.Engine; (e == spec.EngineCockroachDB || e == spec.EngineYugabyteDB) && (ref.OnDelete == "set null" || ref.OnDelete == "set default") {
		b.errs.Add(ref.Pos, "column %q: on_delete: %s on a foreign key between tenant tables sets only the column (ON DELETE %s (%s), PostgreSQL 15), which %s lacks; use cascade or restrict",
			c.SQLName, ref.OnDelete, strings.ToUpper(ref.OnDelete), c.SQLName, e)
		return
	}
	ref.Tenant, ref.RefTenant = t.Tenant, parent.Tenant
	for _, k := range t.Constraints {
		if k.Kind == ir.ForeignKeyConstraint && k.Column == c {
			k.Doc = fmt.Sprintf("the foreign key (%s, %s) → %s (%s, %s)", t.Tenant.SQLName, c.SQLName, parent.SQLName, parent.Tenant.SQLName, ref.Column.SQLName)
		}
	}
	want := []*ir.Column{parent.Tenant, ref.Column}
	if hasKeyOver(parent, want) {
		return
	}
	name := names.Constraint(parent.SQLName, parent.Tenant.SQLName, ref.Column.SQLName, "key")
	taken := slices.ContainsFunc(parent.Indexes, func(ix *ir.Index) bool { return ix.Name == name }) ||
		slices.ContainsFunc(parent.Columns, func(c *ir.Column) bool { return c.UniqueName == name || c.CheckName == name }) ||
		name == parent.PKName
	if taken {
		b.errs.Add(ref.Pos, "the foreign key of column %q needs the unique key (%s, %s) of table %s, named %s, but the table already has a constraint or index of that name; rename it",
			c.SQLName, parent.Tenant.SQLName, ref.Column.SQLName, parent.SQLName, name)
		return
	}
	parent.TenantKeys = append(parent.TenantKeys, &ir.TenantKey{Name: name, Columns: want})
}

// hasKeyOver reports whether a non-partial unique key of t (its primary
// key, a unique column, a unique index over columns only, or a tenant
// key) is over exactly cols, in any order.
func hasKeyOver(t *ir.Table, cols []*ir.Column) bool {
	same := func(key []*ir.Column) bool { return sameColumns(cols, key) }
	if same(t.PK) {
		return true
	}
	if t.LivePredicate == "" {
		for _, c := range t.Columns {
			if c.UniqueName != "" && c.UniqueTenant != nil && same([]*ir.Column{c.UniqueTenant, c}) {
				return true
			}
		}
	}
	for _, ix := range t.Indexes {
		if !ix.Unique || ix.Predicate != "" {
			continue
		}
		if key := ix.Columns(); key != nil && same(key) {
			return true
		}
	}
	for _, k := range t.TenantKeys {
		if same(k.Columns) {
			return true
		}
	}
	return false
}

// checkScopedReference refuses a foreign key from a table without the
// referenced table's tenant to a key that is unique only per tenant: the
// database has no unique key over the column alone to reference.
func (b *builder) checkScopedReference(t *ir.Table, c *ir.Column) {
	ref := c.References
	if ref == nil || ref.RefTenant != nil || ref.Column == nil || ref.Column.PrimaryKey {
		return
	}
	if ref.Column.UniqueTenant != nil {
		b.errs.Add(ref.Pos, "column %q references %s.%s, which is unique only within each tenant (the table has tenant: %s); reference its primary key, or mark %s.%s global: true",
			c.SQLName, ref.Table.SQLName, ref.Column.SQLName, ref.Table.Tenant.SQLName, ref.Table.SQLName, ref.Column.SQLName)
	}
}

// Warnings returns what Build would put in Package.Warnings, from the
// specs alone (no build): generate reads it when every file comes from
// the cache of rendered files. Today: tenant tables whose primary key
// lets one tenant observe another's rows (a client-chosen integer key:
// a conflict tells that another tenant holds the id, and integers are
// easy to enumerate; or one a global sequence numbers: each new id tells
// how many rows all tenants created meanwhile), unless the table says
// allow_sequential_ids; and tenant tables whose foreign key to a table
// without tenant: has an action that changes rows (sharedActions).
func Warnings(proj *spec.Project) []*ir.Warning {
	var out []*ir.Warning
	for _, t := range proj.Tables {
		out = append(out, sharedActions(t)...)
		if t.Tenant == nil || t.AllowSequentialIDs || slices.Contains(t.PrimaryKey, t.Tenant) {
			// A key that holds the tenant column is per tenant (and the
			// tenant table's own key is the tenant).
			continue
		}
		const ack = "; or, to accept it, write tenant: {column: %s, allow_sequential_ids: true}"
		for _, c := range t.PrimaryKey {
			if c.References != nil || !isIntegerSpecType(c.Type) {
				continue
			}
			switch {
			case c.Identity || (c.Default != nil && c.Default.Kind == spec.DefaultExpr && isSequenceDefault(c.Default.Expr)):
				out = append(out, &ir.Warning{Pos: c.Pos, Message: fmt.Sprintf(
					"tenant table %s: primary key %s is numbered by a sequence all tenants share, so each new id tells a tenant how many rows the others created; "+
						"use a uuid key with default gen_random_uuid()"+ack, t.Name, c.Name, t.Tenant.Name)})
			case c.Default == nil:
				out = append(out, &ir.Warning{Pos: c.Pos, Message: fmt.Sprintf(
					"tenant table %s: primary key %s is an integer the client chooses, so a conflict tells a tenant that another tenant holds that id, and ids are easy to enumerate; "+
						"use a uuid key with default gen_random_uuid(), or a primary key that starts with the tenant column (primary_key: [%s, %s])"+ack,
					t.Name, c.Name, t.Tenant.Name, c.Name, t.Tenant.Name)})
			}
		}
	}
	return out
}

// sharedActions warns of the foreign keys of tenant table t to a table
// without tenant: whose on_delete or on_update action changes rows
// (cascade, set null, set default): the table is shared, so any tenant
// that may delete (or rekey) one of its rows changes the rows of every
// tenant that reference it — PostgreSQL runs a key's action over every
// row, row-level security aside. The tenant column's own key (org_id
// references orgs) is the tenant's, and left alone.
func sharedActions(t *spec.Table) []*ir.Warning {
	if t.Tenant == nil {
		return nil
	}
	var out []*ir.Warning
	for _, c := range t.Columns {
		ref := c.References
		if ref == nil || c == t.Tenant || ref.Table == nil || ref.Table.Tenant != nil {
			continue
		}
		for _, a := range []struct{ on, action, verb string }{{"on_delete", ref.OnDelete, "delete"}, {"on_update", ref.OnUpdate, "change the key of"}} {
			switch a.action {
			case "cascade", "set null", "set default":
			default:
				continue
			}
			out = append(out, &ir.Warning{Pos: ref.Pos, Message: fmt.Sprintf(
				"tenant table %s: column %s references %s, which has no tenant:, with %s: %s, so any tenant that may %s a row of %s changes the rows of every tenant that reference it (a foreign key's action runs over every row, row-level security aside); "+
					"make %s a tenant table, or leave %s out (no action: a referenced row cannot go)",
				t.Name, c.Name, ref.Table.Name, a.on, a.action, a.verb, ref.Table.Name, ref.Table.Name, a.on)})
		}
	}
	return out
}

// isIntegerSpecType reports whether t is one of the integer types
// (smallint, integer, bigint: the rows of the type table with an Int
// range).
func isIntegerSpecType(t spec.Type) bool {
	return t.ArrayDims == 0 && t.Base != nil && t.Base.Int != nil
}

// isSequenceDefault reports whether a default expression takes the
// next value of a sequence.
func isSequenceDefault(expr string) bool {
	return strings.Contains(strings.ToLower(expr), "nextval(")
}
