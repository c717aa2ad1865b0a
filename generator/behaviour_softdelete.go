package generator

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// softDelete is soft_delete: column. Delete sets the column instead of
// removing the row, reads leave deleted rows out, unique indexes hold
// among live rows only, and HardDelete and Restore are added.
type softDelete struct{ noHooks }

func (softDelete) kind() ir.BehaviourKind { return ir.BehaviourSoftDelete }

func (softDelete) claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour {
	c := columnOf(t, st.SoftDelete)
	if c == nil {
		return nil
	}
	t.DeletedAt = c
	t.LivePredicate = c.Quoted + " IS NULL"
	return &ir.Behaviour{Kind: ir.BehaviourSoftDelete, Name: "soft delete", Columns: []*ir.Column{c},
		Methods: []string{"HardDelete", "Restore"}, BatchMethods: []string{"HardDeleteMany", "RestoreMany"},
		Doc: fmt.Sprintf("Delete sets %s instead of removing the row (HardDelete removes it, Restore "+
			"clears it), and every read leaves deleted rows out unless it runs on WithDeleted.", c.SQLName)}
}

func (softDelete) scope(t *ir.Table, q string, withDeleted bool) []string {
	if withDeleted {
		return nil
	}
	return []string{q + t.LivePredicate}
}

// uniquePredicate restricts a unique index to live rows, so that a
// deleted row does not block a new one.
func (softDelete) uniquePredicate(t *ir.Table, where string) string {
	switch {
	case where == "":
		return t.LivePredicate
	case requires(where, t.LivePredicate):
		return where // already restricted to live rows (Rails' and Lago's where: deleted_at IS NULL)
	}
	return "(" + where + ") AND " + t.LivePredicate
}

// requires reports whether the predicate where has cond as one of its
// top-level AND terms, written with or without quotes, parentheses and
// capitals.
func requires(where, cond string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, `"`, "")), " "))
		for strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && !strings.Contains(s[1:len(s)-1], "(") {
			s = strings.TrimSpace(s[1 : len(s)-1])
		}
		return s
	}
	want := norm(cond)
	for _, term := range strings.Split(norm(where), " and ") {
		if norm(term) == want {
			return true
		}
	}
	return false
}

// statements makes Delete an UPDATE of the column, and adds HardDelete
// (a DELETE of a live or deleted row) and Restore (the UPDATE back).
func (softDelete) statements(t *ir.Table, s *ir.CRUDSQL) {
	del := t.DeletedAt.Quoted
	p := placeholders{}
	conds := append(append([]string{pkWhere(t, &p)}, scopeConds(t, "", false)...), guardConds(t)...)
	sets := append([]string{del + " = now()"}, behaviourSets(t, "")...)
	s.Delete = p.finish(t, "Delete", updateSQL(t, sets, conds, returnCount))
	s.Delete.Const = sqlName(t, "Delete")

	p = placeholders{}
	conds = append([]string{pkWhere(t, &p)}, scopeConds(t, "", true)...)
	s.HardDelete = p.finish(t, "HardDelete", deleteSQL(t, conds))
	s.HardDelete.Const = sqlName(t, "HardDelete")

	p = placeholders{}
	conds = append([]string{pkWhere(t, &p)}, scopeConds(t, "", true)...)
	conds = append(conds, del+" IS NOT NULL")
	sets = append([]string{del + " = NULL"}, behaviourSets(t, "")...)
	s.Restore = p.finish(t, "Restore", updateSQL(t, sets, conds, returnCount))
	s.Restore.Const = sqlName(t, "Restore")
}

// bulkStatements makes DeleteMany an UPDATE of the column, and adds
// HardDeleteMany and RestoreMany, the batch forms of HardDelete and
// Restore.
func (softDelete) bulkStatements(t *ir.Table, w *ir.BulkWrite) {
	del := t.DeletedAt.Quoted
	sets := append([]string{del + " = now()"}, behaviourSets(t, t.Quoted+".")...)
	w.DeleteMany, _ = deleteManySQL(t, "DeleteMany", "delete", sets, scopeConds(t, "", false), t.Version != nil)
	w.HardDeleteMany, _ = deleteManySQL(t, "HardDeleteMany", "hard_delete", nil, scopeConds(t, "", true), false)
	sets = append([]string{del + " = NULL"}, behaviourSets(t, t.Quoted+".")...)
	conds := append(scopeConds(t, "", true), del+" IS NOT NULL")
	w.RestoreMany, _ = deleteManySQL(t, "RestoreMany", "restore", sets, conds, false)
}

// buildReadsDeleted sets t.ReadsDeleted, and names WithDeleted, when a
// read of t's repository can see soft-deleted rows: t or a table its
// relation methods read has soft_delete.
func (b *builder) buildReadsDeleted(t *ir.Table) {
	reads := t.Has(ir.BehaviourSoftDelete)
	for _, r := range t.Relations {
		if r.Skipped != "" {
			continue
		}
		switch r.Kind {
		case ir.HasMany:
			reads = reads || r.Child.Has(ir.BehaviourSoftDelete)
		case ir.ManyToMany:
			reads = reads || r.Through.Has(ir.BehaviourSoftDelete) || r.Target.Has(ir.BehaviourSoftDelete)
		}
	}
	if reads && b.repoMethod(t, "WithDeleted", "the generated method WithDeleted", spec.Pos{}) {
		t.ReadsDeleted = true
	}
}
