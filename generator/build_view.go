package generator

import (
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// buildView builds a view or materialized view as a read-only model: a
// table's columns, key and reads, without its writes; a materialized
// view also gets Refresh, and RefreshConcurrently when a unique index
// allows it.
func (b *builder) buildView(st *spec.Table) *ir.Table {
	t := b.buildTable(st)
	t.View = &ir.View{Materialized: st.View.Materialized}
	// A view's repository always reads (FindByID, FindAll, Stream, List,
	// Count), whatever cpcgen.yaml's methods: says.
	t.Families = ir.Families{CRUD: true}
	// What writes: never generated, nor prepared by vet.
	t.Insert, t.Updatable, t.Validates = nil, nil, false
	t.SQL.Create, t.SQL.Update, t.SQL.Delete = ir.Statement{}, ir.Statement{}, ir.Statement{}
	t.SQL.HardDelete, t.SQL.Restore, t.SQL.Exists, t.SQL.AuditTrail = ir.Statement{}, ir.Statement{}, ir.Statement{}, ir.Statement{}
	t.Constraints = nil
	if !st.View.Materialized {
		return t
	}
	refresh := "REFRESH MATERIALIZED VIEW " + t.Quoted
	t.View.Refresh = ir.Statement{Const: sqlName(t, "Refresh"), SQL: nameLine(t.Op+".Refresh", nil, false) + refresh}
	b.repoMethod(t, "Refresh", "the generated method Refresh", spec.Pos{})
	b.declareStatement(t, t.View.Refresh, st.Pos)
	if st.View.Concurrent {
		t.View.RefreshConcurrently = ir.Statement{Const: sqlName(t, "RefreshConcurrently"),
			SQL: nameLine(t.Op+".RefreshConcurrently", nil, false) + "REFRESH MATERIALIZED VIEW CONCURRENTLY " + t.Quoted}
		b.repoMethod(t, "RefreshConcurrently", "the generated method RefreshConcurrently", spec.Pos{})
		b.declareStatement(t, t.View.RefreshConcurrently, st.Pos)
	}
	return t
}
