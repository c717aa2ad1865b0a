package generator

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// tenant is tenant: column. Every statement on the table is confined to
// the rows of the context's tenant, inserts stamp it, and a row-level
// security policy makes the database enforce it too.
type tenant struct{ noHooks }

func (tenant) kind() ir.BehaviourKind { return ir.BehaviourTenant }

func (tenant) claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour {
	c := columnOf(t, st.Tenant)
	if c == nil {
		return nil
	}
	t.Tenant = c
	return &ir.Behaviour{Kind: ir.BehaviourTenant, Name: "tenant", Columns: []*ir.Column{c},
		Doc: fmt.Sprintf("Every method is scoped to the tenant of its context (runtime.WithTenant): "+
			"it reads and writes only rows whose %s is that tenant, Create stamps it, and a call without a tenant "+
			"fails with a validation error before any SQL. Each statement also sends the tenant, signed with the "+
			"application's tenant key, for the row-level security policy %s of the table, which verifies it "+
			"(cpcgen_tenant()).", c.SQLName, ir.TenantPolicy)}
}

// check checks t's tenant column against the package's other tenant
// tables (one tenant setting serves them all, so their columns must
// share a type) and adds the table's policy.
func (tenant) check(b *builder, pkg *ir.Package, t *ir.Table) {
	c := t.Tenant
	pkg.Policies = append(pkg.Policies, &ir.Policy{Table: t.SQLName, Column: c.SQLName, Type: paramSQLType(c.Type), Token: true})
	if !pkg.TenantKeys {
		pkg.TenantKeys = true
		pkg.Objects = append(pkg.Objects, ir.TenantKeyObject())
	}
	if c.Type.ArrayDims > 0 || (c.Type.Enum == nil && !c.Type.Base.Tenant) {
		b.errs.Add(b.columnSpec[c].Pos, "tenant column %q is %s; a tenant is a uuid, text or integer value", c.SQLName, c.Type)
		return
	}
	if f := b.firstTenant; f != nil {
		if f.Tenant.Type.String() != c.Type.String() || f.Tenant.Go != c.Go {
			b.errs.Add(b.columnSpec[c].Pos, "tenant column %s.%s is %s but %s.%s is %s; the tenant columns of a package must have one type",
				t.SQLName, c.SQLName, c.Type, f.SQLName, f.Tenant.SQLName, f.Tenant.Type)
		}
		return
	}
	b.firstTenant = t
	g := c.Go.Elem()
	pkg.Tenant = &g
}

func (tenant) scope(t *ir.Table, q string, _ bool) []string {
	return []string{q + t.Tenant.Quoted + " = " + mark(ir.TailTenant)}
}

func (tenant) stamps(t *ir.Table) (cols, vals []string) {
	return []string{t.Tenant.Quoted}, []string{mark(ir.TailTenant)}
}
