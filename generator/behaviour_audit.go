package generator

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// audit is audit: true. Every write of the table also records the rows
// it changes in the audit log, in the same statement (the statement
// builders wrap it with auditCTE), and AuditTrail reads a row's records.
type audit struct{ noHooks }

func (audit) kind() ir.BehaviourKind { return ir.BehaviourAudit }

func (audit) claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour {
	if !st.Audit {
		return nil
	}
	t.Audit = true
	return &ir.Behaviour{Kind: ir.BehaviourAudit, Name: "audit", Methods: []string{"AuditTrail"},
		Doc: fmt.Sprintf("Every write also records each row it changes in %s, in the same statement, "+
			"with the actor of its context (runtime.WithActor); AuditTrail reads a row's records back.", ir.AuditTable)}
}

// check puts the audit log in the package's schema.
func (audit) check(b *builder, pkg *ir.Package, t *ir.Table) { pkg.Audit = true }

func (audit) statements(t *ir.Table, s *ir.CRUDSQL) { s.AuditTrail = auditTrailSQL(t) }

// auditCTE is the common table expression writing one audit row per row
// of from: key names the relation holding the primary key columns, old
// and new the expressions of the old and new row (NULL for none).
func auditCTE(t *ir.Table, action, from, key, old, new string) string {
	pairs := make([]string, 0, 2*len(t.PK))
	for _, c := range t.PK {
		pairs = append(pairs, names.QuoteLiteral(c.SQLName), key+"."+c.Quoted)
	}
	return cteAudit + " AS (\nINSERT INTO " + names.QuoteIdent(ir.AuditTable) +
		` ("table_name", "row_key", "action", "actor", "old", "new")` +
		"\nSELECT " + names.QuoteLiteral(t.SQLName) + ", jsonb_build_object(" + strings.Join(pairs, ", ") + "), " +
		names.QuoteLiteral(action) + ", " + mark(ir.TailActor) + "::text, " + old + ", " + new +
		"\nFROM " + from + "\n)"
}

// finalSelect is the main query of an audited statement: the rows of cte
// (returnRow) or one row per row of it (returnCount).
func finalSelect(t *ir.Table, ret returning, cte string) string {
	if ret == returnCount {
		return "SELECT 1 FROM " + cte
	}
	return "SELECT " + qualifiedSelect(cte, t.Columns) + " FROM " + cte
}

// returningRow is the RETURNING list of a write whose rows an audit CTE
// reads: the columns as stored and the whole row as jsonb.
func returningRow(t *ir.Table) string {
	return "\nRETURNING " + quotedList(t.Columns) + ", to_jsonb(" + t.Quoted + ") AS " + rowJSON
}

// AuditColumns are the columns of the audit log an audit trail reads, in
// the order runtime.ScanAuditEntry scans them.
var AuditColumns = []string{"id", "action", "actor", "at", "txid", "old", "new"}

// auditTrailSQL reads the audit log rows of one row of t, oldest first,
// by the row's key as the audit CTEs write it (jsonb_build_object of the
// key columns), which the audit log's row index serves. On a tenant
// table, only rows whose image (the new one, or the old one of a delete)
// holds the context's tenant are read. It only reads (replica=ok).
func auditTrailSQL(t *ir.Table) ir.Statement {
	p := placeholders{readOnly: true}
	pairs := make([]string, 0, 2*len(t.PK))
	for _, c := range t.PK {
		pairs = append(pairs, names.QuoteLiteral(c.SQLName), cast(p.nextFor(c), c))
	}
	cols := make([]string, len(AuditColumns))
	for i, c := range AuditColumns {
		cols[i] = names.QuoteIdent(c)
	}
	conds := []string{
		names.QuoteIdent("table_name") + " = " + names.QuoteLiteral(t.SQLName),
		names.QuoteIdent("row_key") + " = jsonb_build_object(" + strings.Join(pairs, ", ") + ")",
	}
	if c := t.Tenant; c != nil {
		conds = append(conds, "(COALESCE("+names.QuoteIdent("new")+", "+names.QuoteIdent("old")+") ->> "+names.QuoteLiteral(c.SQLName)+")::"+c.SQLType+" = "+mark(ir.TailTenant))
	}
	s := p.finish(t, "AuditTrail", "SELECT "+strings.Join(cols, ", ")+" FROM "+names.QuoteIdent(ir.AuditTable)+
		"\nWHERE "+and(conds)+"\nORDER BY "+names.QuoteIdent("id"))
	s.Const = sqlName(t, "AuditTrail")
	return s
}
