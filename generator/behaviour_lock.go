package generator

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// optimisticLock is optimistic_lock: column. A write of one row names
// the version the caller read and fails when the row has moved on; every
// update increments it.
type optimisticLock struct{ noHooks }

func (optimisticLock) kind() ir.BehaviourKind { return ir.BehaviourOptimisticLock }

func (optimisticLock) claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour {
	c := columnOf(t, st.Version)
	if c == nil {
		return nil
	}
	t.Version = c
	return &ir.Behaviour{Kind: ir.BehaviourOptimisticLock, Name: "optimistic lock", Columns: []*ir.Column{c},
		Doc: fmt.Sprintf("Update and Delete take the %s the caller read and fail with a conflict "+
			"(runtime.ErrStaleVersion) when the row has changed since; every write increments it.", c.SQLName)}
}

func (optimisticLock) guards(t *ir.Table) []string {
	return []string{t.Version.Quoted + " = " + mark(ir.TailVersion)}
}

func (optimisticLock) sets(t *ir.Table, q string) []string {
	return []string{t.Version.Quoted + " = " + q + t.Version.Quoted + " + 1"}
}

// statements adds Exists, which tells a stale version from a missing row
// after a write matched nothing.
func (optimisticLock) statements(t *ir.Table, s *ir.CRUDSQL) {
	p := placeholders{}
	conds := append([]string{pkWhere(t, &p)}, scopeConds(t, "", false)...)
	s.Exists = p.finish(t, "Exists", "SELECT EXISTS (SELECT 1 FROM "+t.Quoted+"\nWHERE "+and(conds)+")")
	s.Exists.Const = sqlName(t, "Exists")
}
