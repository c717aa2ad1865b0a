package generator

import (
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"strconv"
	"strings"
)

// Names of the common table expressions and columns that audited and
// upserting statements use; spec tables and columns may not start with
// "cpcgen_", so they never collide.
const (
	cteOld   = `"cpcgen_old"`
	cteNew   = `"cpcgen_new"`
	cteAudit = `"cpcgen_audit"`
	cteLock  = `"cpcgen_lock"`
	rowJSON  = `"cpcgen_row"`
)

// returning is what an update or delete statement gives back.
type returning int

const (
	// returnRow returns the row as stored (Update).
	returnRow returning = iota
	// returnCount returns nothing but its command tag's row count (Delete,
	// Restore).
	returnCount
)

// and joins conditions with AND.
func and(conds []string) string { return strings.Join(conds, " AND ") }

// whereClause is "\nWHERE conds", or "" without conditions.
func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return "\nWHERE " + and(conds)
}

// scopeConds are the conditions that confine a statement on t to the rows
// the caller may see: its tenant's (tenant:) and, unless withDeleted, the
// live ones (soft_delete:). q qualifies the columns ("" or `"t".`).
func scopeConds(t *ir.Table, q string, withDeleted bool) []string {
	var out []string
	if t.Tenant != nil {
		out = append(out, q+t.Tenant.Quoted+" = "+mark(ir.TailTenant))
	}
	if t.DeletedAt != nil && !withDeleted {
		out = append(out, q+t.DeletedAt.Quoted+" IS NULL")
	}
	return out
}

// readStatement builds a read of t's rows with build, marked replica=ok,
// and, when soft is set (a table it reads has soft_delete), the variant
// including deleted rows as its WithDeleted.
func readStatement(t *ir.Table, method, constName string, soft bool, build func(p *placeholders, withDeleted bool) string) ir.Statement {
	p := placeholders{readOnly: true}
	s := p.finish(t, method, build(&p, false))
	s.Const = constName
	if soft {
		p := placeholders{readOnly: true}
		all := p.finish(t, method, build(&p, true))
		all.Const = constName + "WithDeleted"
		s.WithDeleted = &all
	}
	return s
}

// pkWhere is the WHERE condition matching the primary key with
// placeholders taken from p.
func pkWhere(t *ir.Table, p *placeholders) string {
	parts := make([]string, len(t.PK))
	for i, c := range t.PK {
		parts[i] = c.Quoted + " = " + plainParam(p.nextFor(c), c)
	}
	return strings.Join(parts, " AND ")
}

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

// updateSQL renders an UPDATE of t setting sets on the rows matching
// conds. Audited, it locks and reads the row first, in the same
// statement, so that the audit row holds the values it had and has:
//
//	WITH old AS (SELECT key, to_jsonb(t) FROM t WHERE conds FOR UPDATE),
//	     new AS (UPDATE t SET … FROM old WHERE t.key = old.key RETURNING …),
//	     audit AS (INSERT INTO cpcgen_audit_log … FROM new, old)
//	SELECT … FROM new
//
// The UPDATE joins old, so old is read (and its row locked) before the
// row changes.
func updateSQL(t *ir.Table, sets, conds []string, action string, ret returning) string {
	set := "\nSET " + strings.Join(sets, ",\n    ")
	if !t.Audit {
		s := "UPDATE " + t.Quoted + set + "\nWHERE " + and(conds)
		if ret == returnRow {
			s += "\nRETURNING " + selectList(t.Columns)
		}
		return s
	}
	keys := make([]string, len(t.PK))
	join := make([]string, len(t.PK))
	for i, c := range t.PK {
		alias := names.QuoteIdent("cpcgen_k" + strconv.Itoa(i+1))
		keys[i] = c.Quoted + " AS " + alias
		join[i] = t.Quoted + "." + c.Quoted + " = " + cteOld + "." + alias
	}
	n, o := names.QuoteIdent("n"), names.QuoteIdent("o")
	return "WITH " + cteOld + " AS (\nSELECT " + strings.Join(keys, ", ") + ", to_jsonb(" + t.Quoted + ") AS " + rowJSON +
		" FROM " + t.Quoted + "\nWHERE " + and(conds) + "\nFOR UPDATE\n), " +
		cteNew + " AS (\nUPDATE " + t.Quoted + set + "\nFROM " + cteOld + "\nWHERE " + and(join) + returningRow(t) + "\n), " +
		auditCTE(t, action, cteNew+" AS "+n+" CROSS JOIN "+cteOld+" AS "+o, n, o+"."+rowJSON, n+"."+rowJSON) + "\n" +
		finalSelect(t, ret, cteNew)
}

// deleteSQL renders a DELETE of t's rows matching conds; audited, the
// deleted rows are logged in the same statement.
func deleteSQL(t *ir.Table, conds []string, action string) string {
	if !t.Audit {
		return "DELETE FROM " + t.Quoted + " WHERE " + and(conds)
	}
	o := names.QuoteIdent("o")
	return "WITH " + cteOld + " AS (\nDELETE FROM " + t.Quoted + " WHERE " + and(conds) +
		"\nRETURNING " + quotedList(t.PK) + ", to_jsonb(" + t.Quoted + ") AS " + rowJSON + "\n), " +
		auditCTE(t, action, cteOld+" AS "+o, o, o+"."+rowJSON, "NULL") + "\n" +
		finalSelect(t, returnCount, cteOld)
}

// insertSQL renders an INSERT returning the new rows; audited, they are
// logged in the same statement. sep goes before RETURNING.
func insertSQL(t *ir.Table, insert, sep string) string {
	if !t.Audit {
		return insert + sep + "RETURNING " + selectList(t.Columns)
	}
	n := names.QuoteIdent("n")
	return "WITH " + cteNew + " AS (\n" + insert + returningRow(t) + "\n), " +
		auditCTE(t, "create", cteNew+" AS "+n, n, "NULL", n+"."+rowJSON) + "\n" +
		finalSelect(t, returnRow, cteNew)
}

// behaviourSets are the SET items every update of t's rows carries: the
// version bump (optimistic_lock) and updated_at (timestamps). q qualifies
// the current value ("" or `"t".`).
func behaviourSets(t *ir.Table, q string) []string {
	var sets []string
	if t.Version != nil {
		sets = append(sets, t.Version.Quoted+" = "+q+t.Version.Quoted+" + 1")
	}
	if t.UpdatedAt != nil {
		sets = append(sets, t.UpdatedAt.Quoted+" = now()")
	}
	return sets
}

// crudSQL computes the statements of a table's CRUD methods.
func crudSQL(t *ir.Table) ir.CRUDSQL {
	var s ir.CRUDSQL
	sel := selectList(t.Columns)
	from := " FROM " + t.Quoted
	order := " ORDER BY " + quotedList(t.PK)
	soft := t.DeletedAt != nil

	var p placeholders
	ins := insertValues(t, &p)
	s.CreateArgs = ins.args
	sep := "\n"
	if len(ins.cols) == 0 {
		sep = " "
	}
	s.Create = p.finish(t, "Create", insertSQL(t, ins.statement(t), sep))
	s.Create.Const = sqlName(t, "Create")

	s.FindByID = readStatement(t, "FindByID", sqlName(t, "FindByID"), soft, func(p *placeholders, all bool) string {
		return "SELECT " + sel + from + "\nWHERE " + and(append([]string{pkWhere(t, p)}, scopeConds(t, "", all)...))
	})
	s.FindAll = readStatement(t, "FindAll", sqlName(t, "FindAll"), soft, func(p *placeholders, all bool) string {
		return "SELECT " + sel + from + whereClause(scopeConds(t, "", all)) + order
	})
	s.ListFirst = readStatement(t, "List", sqlName(t, "ListFirst"), soft, func(p *placeholders, all bool) string {
		return "SELECT " + sel + from + whereClause(scopeConds(t, "", all)) + order + "\nLIMIT " + p.next()
	})
	s.ListAfter = readStatement(t, "List", sqlName(t, "ListAfter"), soft, func(p *placeholders, all bool) string {
		row := make([]string, len(t.PK))
		for i, c := range t.PK {
			row[i] = p.nextFor(c)
		}
		conds := append([]string{"(" + quotedList(t.PK) + ") > (" + strings.Join(row, ", ") + ")"}, scopeConds(t, "", all)...)
		return "SELECT " + sel + from + "\nWHERE " + and(conds) + order + "\nLIMIT " + p.next()
	})
	s.Count = readStatement(t, "Count", sqlName(t, "Count"), soft, func(p *placeholders, all bool) string {
		return "SELECT count(*)" + from + whereClause(scopeConds(t, "", all))
	})

	// Update: unset fields keep their value; nullable fields carry a flag
	// so that they can be set to NULL.
	p = placeholders{}
	conds := []string{pkWhere(t, &p)}
	var sets []string
	for _, c := range t.Updatable {
		if !c.Nullable {
			sets = append(sets, c.Quoted+" = COALESCE("+cast(p.nextFor(c), c)+", "+c.Quoted+")")
			s.UpdateArgs = append(s.UpdateArgs, ir.Arg{Column: c, Kind: ir.ArgOptPtr})
			continue
		}
		set, val := p.next(), p.nextFor(c)
		sets = append(sets, c.Quoted+" = CASE WHEN "+set+"::boolean THEN "+cast(val, c)+" ELSE "+c.Quoted+" END")
		s.UpdateArgs = append(s.UpdateArgs, ir.Arg{Column: c, Kind: ir.ArgOptSet}, ir.Arg{Column: c, Kind: ir.ArgOptValue})
	}
	sets = append(sets, behaviourSets(t, "")...)
	conds = append(conds, scopeConds(t, "", false)...)
	if t.Version != nil {
		conds = append(conds, t.Version.Quoted+" = "+mark(ir.TailVersion))
	}
	if len(sets) == 0 {
		// Nothing can change: the statement returns the row as it is.
		s.Update = p.finish(t, "Update", "SELECT "+sel+from+"\nWHERE "+and(conds))
	} else {
		s.Update = p.finish(t, "Update", updateSQL(t, sets, conds, "update", returnRow))
	}
	s.Update.Const = sqlName(t, "Update")

	p = placeholders{}
	conds = append([]string{pkWhere(t, &p)}, scopeConds(t, "", false)...)
	if t.Version != nil {
		conds = append(conds, t.Version.Quoted+" = "+mark(ir.TailVersion))
	}
	if soft {
		sets := append([]string{t.DeletedAt.Quoted + " = now()"}, behaviourSets(t, "")...)
		s.Delete = p.finish(t, "Delete", updateSQL(t, sets, conds, "delete", returnCount))
	} else {
		s.Delete = p.finish(t, "Delete", deleteSQL(t, conds, "delete"))
	}
	s.Delete.Const = sqlName(t, "Delete")

	if soft {
		p = placeholders{}
		conds = append([]string{pkWhere(t, &p)}, scopeConds(t, "", true)...)
		s.HardDelete = p.finish(t, "HardDelete", deleteSQL(t, conds, "hard_delete"))
		s.HardDelete.Const = sqlName(t, "HardDelete")

		p = placeholders{}
		conds = append([]string{pkWhere(t, &p)}, scopeConds(t, "", true)...)
		conds = append(conds, t.DeletedAt.Quoted+" IS NOT NULL")
		sets := append([]string{t.DeletedAt.Quoted + " = NULL"}, behaviourSets(t, "")...)
		s.Restore = p.finish(t, "Restore", updateSQL(t, sets, conds, "restore", returnCount))
		s.Restore.Const = sqlName(t, "Restore")
	}
	if t.Version != nil {
		p = placeholders{}
		conds = append([]string{pkWhere(t, &p)}, scopeConds(t, "", false)...)
		s.Exists = p.finish(t, "Exists", "SELECT EXISTS (SELECT 1"+from+"\nWHERE "+and(conds)+")")
		s.Exists.Const = sqlName(t, "Exists")
	}
	if t.Audit {
		s.AuditTrail = auditTrailSQL(t)
	}
	return s
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

// insert is the INSERT of a row from an insert struct, shared by Create
// and the upserts.
type insert struct {
	// cols are the quoted insert columns; vals the expression of each,
	// binding args; phs the placeholders of each (two for a nullable
	// column with a default: whether it is set, and its value). The
	// tenant column of a tenant table comes last, bound to the context's
	// tenant.
	cols []string
	vals []string
	phs  [][]string
	args []ir.Arg
}

// insertValues computes the VALUES of a row of t. Columns with defaults
// fall back to the default when the caller leaves them unset, without a
// statement per combination.
func insertValues(t *ir.Table, p *placeholders) insert {
	var in insert
	for _, c := range t.Insert {
		in.cols = append(in.cols, c.Quoted)
		switch {
		case !c.HasDefault:
			ph := p.nextFor(c)
			in.vals = append(in.vals, plainParam(ph, c))
			in.phs = append(in.phs, []string{ph})
			in.args = append(in.args, ir.Arg{Column: c, Kind: ir.ArgValue})
		case !c.Nullable:
			ph := p.nextFor(c)
			in.vals = append(in.vals, "COALESCE("+cast(ph, c)+", "+defaultSQL(c)+")")
			in.phs = append(in.phs, []string{ph})
			in.args = append(in.args, ir.Arg{Column: c, Kind: ir.ArgOptPtr})
		default:
			set, val := p.next(), p.nextFor(c)
			in.vals = append(in.vals, "CASE WHEN "+set+"::boolean THEN "+cast(val, c)+" ELSE "+defaultSQL(c)+" END")
			in.phs = append(in.phs, []string{set, val})
			in.args = append(in.args, ir.Arg{Column: c, Kind: ir.ArgOptSet}, ir.Arg{Column: c, Kind: ir.ArgOptValue})
		}
	}
	if c := t.Tenant; c != nil {
		in.cols = append(in.cols, c.Quoted)
		in.vals = append(in.vals, mark(ir.TailTenant))
		in.phs = append(in.phs, []string{mark(ir.TailTenant)})
	}
	return in
}

// statement returns the INSERT without RETURNING.
func (in insert) statement(t *ir.Table) string {
	if len(in.cols) == 0 {
		return "INSERT INTO " + t.Quoted + " DEFAULT VALUES"
	}
	return "INSERT INTO " + t.Quoted + " (" + strings.Join(in.cols, ", ") + ")\nVALUES (" + strings.Join(in.vals, ", ") + ")"
}

// index returns the position of column c in the insert list, or -1.
func (in insert) index(c *ir.Column) int {
	for i, q := range in.cols {
		if q == c.Quoted {
			return i
		}
	}
	return -1
}
