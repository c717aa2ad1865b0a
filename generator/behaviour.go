package generator

import (
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// A behaviour is one table option of the spec (tenant:, soft_delete:,
// optimistic_lock:, timestamps:, audit:, the columns' rules) as one unit:
// it claims its columns, makes its build-time checks, and contributes to
// the statements of the table's methods through the hooks below. The
// statement builders call the hooks of a table's behaviours in the order
// of behaviours, and know nothing of any behaviour; the Go emitter finds
// the methods a behaviour adds by its kind (gocode's behaviourMethods).
// Adding a behaviour is a file with its type and one entry in
// behaviours.
type behaviour interface {
	// kind is the behaviour's kind, its spec key.
	kind() ir.BehaviourKind
	// claim returns the behaviour as table t, built from st, has it, or
	// nil when st does not ask for it. It sets the table's facts the
	// behaviour owns (its columns) before the table's insert and update
	// columns are chosen.
	claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour
	// check makes the checks that need the whole package, once every
	// table is built, and adds the package's facts the behaviour owns
	// (policies, the audit log).
	check(b *builder, pkg *ir.Package, t *ir.Table)
	// scope returns the conditions that confine a statement on t to the
	// rows the caller may see; withDeleted includes soft-deleted rows. q
	// qualifies the columns ("" or `"t".`).
	scope(t *ir.Table, q string, withDeleted bool) []string
	// guards returns the conditions a write of one row adds to scope: the
	// optimistic lock's version check.
	guards(t *ir.Table) []string
	// sets returns the SET items every update of t's rows carries; q
	// qualifies the current value.
	sets(t *ir.Table, q string) []string
	// stamps returns the columns (quoted) and values every insert of a
	// row of t sets, which the caller does not.
	stamps(t *ir.Table) (cols, vals []string)
	// uniquePredicate returns the predicate of a unique index of t whose
	// own predicate is where ("" for none).
	uniquePredicate(t *ir.Table, where string) string
	// statements changes and adds to t's CRUD statements.
	statements(t *ir.Table, s *ir.CRUDSQL)
	// finish makes the checks and adds the facts that need the whole
	// package built, queries and relations included, once Build has built
	// them.
	finish(b *builder, pkg *ir.Package, t *ir.Table)
	// bulkStatements changes and adds to t's batch writes by primary key
	// (see keyedWriteSQL).
	bulkStatements(t *ir.Table, w *ir.BulkWrite)
}

// behaviours are the table behaviours, in the order their hooks run:
// tenant conditions before the soft delete's, the version bump before
// updated_at.
var behaviours = []behaviour{tenant{}, softDelete{}, optimisticLock{}, timestamps{}, audit{}, rules{}, cache{}}

// behaviourOf finds the behaviour of a kind.
var behaviourOf = func() map[ir.BehaviourKind]behaviour {
	m := map[ir.BehaviourKind]behaviour{}
	for _, bh := range append(behaviours, distribution{}) {
		m[bh.kind()] = bh
	}
	return m
}()

// distribution is the Citus distribution of a table (distributed_by:,
// reference:), which the engine decides for the whole package
// (buildEngine); it has no hooks.
type distribution struct{ noHooks }

func (distribution) kind() ir.BehaviourKind { return ir.BehaviourDistribution }

// noHooks is a behaviour that contributes nothing; behaviours embed it
// and implement the hooks they need.
type noHooks struct{}

func (noHooks) claim(*builder, *spec.Table, *ir.Table) *ir.Behaviour { return nil }
func (noHooks) check(*builder, *ir.Package, *ir.Table)               {}
func (noHooks) scope(*ir.Table, string, bool) []string               { return nil }
func (noHooks) guards(*ir.Table) []string                            { return nil }
func (noHooks) sets(*ir.Table, string) []string                      { return nil }
func (noHooks) stamps(*ir.Table) (cols, vals []string)               { return nil, nil }
func (noHooks) uniquePredicate(_ *ir.Table, where string) string     { return where }
func (noHooks) statements(*ir.Table, *ir.CRUDSQL)                    {}
func (noHooks) finish(*builder, *ir.Package, *ir.Table)              {}
func (noHooks) bulkStatements(*ir.Table, *ir.BulkWrite)              {}

// claimBehaviours gives t the behaviours st asks for, in order, and
// declares the repository methods they add.
func (b *builder) claimBehaviours(st *spec.Table, t *ir.Table) {
	for _, bh := range behaviours {
		if out := bh.claim(b, st, t); out != nil {
			t.Behaviours = append(t.Behaviours, out)
		}
	}
}

// hooks returns the behaviours of t.
func hooks(t *ir.Table) []behaviour {
	out := make([]behaviour, len(t.Behaviours))
	for i, bh := range t.Behaviours {
		out[i] = behaviourOf[bh.Kind]
	}
	return out
}

// scopeConds are the conditions of t's behaviours that confine a
// statement on t to the rows the caller may see (behaviour.scope).
func scopeConds(t *ir.Table, q string, withDeleted bool) []string {
	var out []string
	for _, h := range hooks(t) {
		out = append(out, h.scope(t, q, withDeleted)...)
	}
	return out
}

// guardConds are the conditions of t's behaviours on a write of one row
// (behaviour.guards).
func guardConds(t *ir.Table) []string {
	var out []string
	for _, h := range hooks(t) {
		out = append(out, h.guards(t)...)
	}
	return out
}

// behaviourSets are the SET items every update of t's rows carries
// (behaviour.sets).
func behaviourSets(t *ir.Table, q string) []string {
	var out []string
	for _, h := range hooks(t) {
		out = append(out, h.sets(t, q)...)
	}
	return out
}

// uniquePredicate is the predicate of a unique index of t declared with
// where (behaviour.uniquePredicate).
func uniquePredicate(t *ir.Table, where string) string {
	for _, h := range hooks(t) {
		where = h.uniquePredicate(t, where)
	}
	return where
}

// hasBehaviours reports whether t's writes do more than their statement
// says: audit rows, tenant stamps, soft deletes or version checks.
func hasBehaviours(t *ir.Table) bool {
	return t.Has(ir.BehaviourAudit) || t.Has(ir.BehaviourTenant) || t.Has(ir.BehaviourSoftDelete) || t.Has(ir.BehaviourOptimisticLock)
}
