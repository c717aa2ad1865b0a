package migration

import (
	"fmt"
	"slices"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// planPolicies adds to p the statements that bring the row-level security
// policies of tenant tables from current (the snapshot's) to the
// package's: a policy that goes or changes is dropped before every other
// change (so before its table is dropped), and one that comes or changes
// is created after them (so after its table is created). Renames by
// hint (renamed_from) carry a policy along, as PostgreSQL does.
func planPolicies(p *Planned, pkg *ir.Package, current []*ir.Policy) {
	renamedTable := map[string]string{}
	renamedColumn := map[string]map[string]string{}
	for _, t := range pkg.Tables {
		if old := t.RenamedFrom; old != "" {
			renamedTable[old] = t.SQLName
		}
		for _, c := range t.Columns {
			if old := c.RenamedFrom; old != "" {
				if renamedColumn[t.SQLName] == nil {
					renamedColumn[t.SQLName] = map[string]string{}
				}
				renamedColumn[t.SQLName][old] = c.SQLName
			}
		}
	}
	// The current policies under the names the renames give them; each
	// remembers the policy as it stands before the migration.
	type currentPolicy struct {
		before *ir.Policy
		after  ir.Policy
	}
	have := map[string]currentPolicy{}
	for _, cp := range sortedPolicies(current) {
		after := *cp
		if to, ok := renamedTable[cp.Table]; ok && !slices.ContainsFunc(current, func(p *ir.Policy) bool { return p.Table == to }) {
			after.Table = to
		}
		if to, ok := renamedColumn[after.Table][after.Column]; ok {
			after.Column = to
		}
		have[after.Table] = currentPolicy{before: cp, after: after}
	}
	want := map[string]*ir.Policy{}
	for _, wp := range pkg.Policies {
		want[wp.Table] = wp
	}
	var drops, creates []*Change
	var dropSum, createSum []string
	for _, cp := range sortedPolicies(current) {
		for _, h := range have {
			if h.before != cp {
				continue
			}
			if wp, ok := want[h.after.Table]; ok && *wp == h.after {
				continue
			}
			// Drops run before the renames: the table has its old name.
			drops = append(drops, policyChanges(cp, false)...)
			dropSum = append(dropSum, fmt.Sprintf("drop row-level security policy on %q", cp.Table))
		}
	}
	for _, wp := range sortedPolicies(pkg.Policies) {
		if h, ok := have[wp.Table]; ok && h.after == *wp {
			continue
		}
		creates = append(creates, policyChanges(wp, true)...)
		createSum = append(createSum, fmt.Sprintf("add row-level security policy on %q (%s = the verified tenant)", wp.Table, wp.Column))
	}
	p.around(drops, dropSum, creates, createSum)
}

// policyChanges returns the statements creating (or, with create unset,
// dropping) a policy, each with its reverse.
func policyChanges(p *ir.Policy, create bool) []*Change {
	up, down := p.Create(), p.Drop()
	upComments := []string{
		fmt.Sprintf("enable row-level security on table %q", p.Table),
		fmt.Sprintf("apply row-level security to the owner of table %q too", p.Table),
		fmt.Sprintf("create policy %q on table %q: rows of the verified tenant only", ir.TenantPolicy, p.Table),
	}
	downComments := []string{
		fmt.Sprintf("drop policy %q on table %q", ir.TenantPolicy, p.Table),
		fmt.Sprintf("stop applying row-level security to the owner of table %q", p.Table),
		fmt.Sprintf("disable row-level security on table %q", p.Table),
	}
	var out []*Change
	if create {
		for i := range up {
			out = append(out, &Change{Cmd: up[i], Reverse: []string{down[len(down)-1-i]}, Comment: upComments[i]})
		}
		return out
	}
	for i := range down {
		out = append(out, &Change{Cmd: down[i], Reverse: []string{up[len(up)-1-i]}, Comment: downComments[i]})
	}
	return out
}
