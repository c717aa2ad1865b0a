package gocode

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// genAuditTrail emits AuditTrail on the repository of an audited table.
func genAuditTrail(f *jen.File, t *ir.Table) {
	if !t.Families.CRUD {
		return
	}
	s := t.SQL.AuditTrail
	genStatement(f, s)
	pre, scoped := prelude(t, "AuditTrail", "", []ir.Statement{s}, returnsNil)
	doc := fmt.Sprintf("AuditTrail returns the rows of %s that record the row of table %s with %s, oldest first: "+
		"every write that changed it, with its action, actor, time and transaction, and the row before and after. "+
		"The row need not exist any more; a key that was never written has an empty trail.", ir.AuditTable, t.SQLName, pkDesc(t))
	if t.Has(ir.BehaviourTenant) {
		doc += " Only rows of the context's tenant are read: the trail of another tenant's row is empty."
	}
	entry := jen.Qual(ir.PathRuntime, "AuditEntry")
	method(f, t, "AuditTrail", doc).
		Params(pkParams(t)...).Params(jen.Index().Add(entry), jen.Error()).
		Block(append(pre, collectWith(t, "AuditTrail", "rows", dbOf(scoped).Dot("Query").Call(callArgs(s, pkArgs(t))...),
			jen.Qual(ir.PathRuntime, "ScanAuditEntry"), nil)...)...)
	f.Line()
}
