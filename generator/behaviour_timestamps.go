package generator

import (
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// timestamps is timestamps: true. created_at takes its default on
// insert, and every update sets updated_at to the transaction's time.
type timestamps struct{ noHooks }

func (timestamps) kind() ir.BehaviourKind { return ir.BehaviourTimestamps }

func (timestamps) claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour {
	t.CreatedAt, t.UpdatedAt = columnOf(t, st.CreatedAt), columnOf(t, st.UpdatedAt)
	var cols []*ir.Column
	for _, c := range []*ir.Column{t.CreatedAt, t.UpdatedAt} {
		if c != nil {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return nil
	}
	return &ir.Behaviour{Kind: ir.BehaviourTimestamps, Name: "timestamps", Columns: cols}
}

func (timestamps) sets(t *ir.Table, q string) []string {
	if t.UpdatedAt == nil {
		return nil
	}
	return []string{t.UpdatedAt.Quoted + " = now()"}
}

// columnOf is the column of t built from sc, or nil.
func columnOf(t *ir.Table, sc *spec.Column) *ir.Column {
	if sc == nil {
		return nil
	}
	return t.Column(sc.Name)
}
