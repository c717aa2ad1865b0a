package generator

import (
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// returning is what an update statement gives back.
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

// updateSQL renders an UPDATE of t setting sets on the rows matching
// conds. (An audited table's rows are logged by its trigger, whatever
// the statement; see behaviour_audit.go.)
func updateSQL(t *ir.Table, sets, conds []string, ret returning) string {
	s := "UPDATE " + t.Quoted + "\nSET " + strings.Join(sets, ",\n    ") + "\nWHERE " + and(conds)
	if ret == returnRow {
		s += "\nRETURNING " + selectList(t.Columns)
	}
	return s
}

// deleteSQL renders a DELETE of t's rows matching conds.
func deleteSQL(t *ir.Table, conds []string) string {
	return "DELETE FROM " + t.Quoted + " WHERE " + and(conds)
}

// insertSQL renders an INSERT returning the new rows. sep goes before
// RETURNING.
func insertSQL(t *ir.Table, insert, sep string) string {
	return insert + sep + "RETURNING " + selectList(t.Columns)
}

// crudSQL computes the statements of a table's CRUD methods.
func crudSQL(t *ir.Table) ir.CRUDSQL {
	var s ir.CRUDSQL
	sel := selectList(t.Columns)
	from := " FROM " + t.Quoted
	order := " ORDER BY " + quotedList(t.PK)
	soft := t.Has(ir.BehaviourSoftDelete)
	if t.Keyless() {
		// No order (nothing orders the rows of a table without a key
		// fully) and no statement by key.
		s.Create, s.CreateArgs = createStatement(t)
		s.FindAll = readStatement(t, "FindAll", sqlName(t, "FindAll"), soft, func(p *placeholders, all bool) string {
			return "SELECT " + sel + from + whereClause(scopeConds(t, "", all))
		})
		s.Count = readStatement(t, "Count", sqlName(t, "Count"), soft, func(p *placeholders, all bool) string {
			return "SELECT count(*)" + from + whereClause(scopeConds(t, "", all))
		})
		for _, h := range hooks(t) {
			h.statements(t, &s)
		}
		return s
	}

	s.Create, s.CreateArgs = createStatement(t)

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

	updateStatement(t, &s)

	var p placeholders
	conds := append(append([]string{pkWhere(t, &p)}, scopeConds(t, "", false)...), guardConds(t)...)
	s.Delete = p.finish(t, "Delete", deleteSQL(t, conds))
	s.Delete.Const = sqlName(t, "Delete")
	for _, h := range hooks(t) {
		h.statements(t, &s)
	}
	return s
}

// createStatement is the Create statement of t and the arguments it
// binds from the insert struct.
func createStatement(t *ir.Table) (ir.Statement, []ir.Arg) {
	var p placeholders
	ins := insertValues(t, &p)
	sep := "\n"
	if len(ins.cols) == 0 {
		sep = " "
	}
	s := p.finish(t, "Create", insertSQL(t, ins.statement(t), sep))
	s.Const = sqlName(t, "Create")
	return s, ins.args
}

// insert is the INSERT of a row from an insert struct, shared by Create
// and the upserts.
type insert struct {
	// cols are the quoted insert columns; vals the expression of each,
	// binding args; phs the placeholders of each (two for a nullable
	// column with a default: whether it is set, and its value). The
	// columns the behaviours stamp (the tenant) come last.
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
	for _, h := range hooks(t) {
		cols, vals := h.stamps(t)
		for i, v := range vals {
			in.cols = append(in.cols, cols[i])
			in.vals = append(in.vals, v)
			in.phs = append(in.phs, []string{v})
		}
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

// setsMark stands in for the SET list of the columns in an UPDATE's
// text, which updateParts splits at.
const setsMark = "\x00sets\x00"

// updateParts splits t's UPDATE around the SET list of its updatable
// columns (see ir.UpdateParts), or returns nil when the statement binds
// values after the columns' or t has no updatable column.
func updateParts(t *ir.Table) *ir.UpdateParts {
	if len(t.Updatable) == 0 {
		return nil
	}
	var p placeholders
	conds := append(append([]string{pkWhere(t, &p)}, scopeConds(t, "", false)...), guardConds(t)...)
	stamps := behaviourSets(t, "")
	body := updateSQL(t, append([]string{setsMark}, stamps...), conds, returnRow)
	for _, m := range tailMarks {
		if strings.Contains(body, m) {
			return nil
		}
	}
	parts := &ir.UpdateParts{Keys: p.n, SensitiveKeys: p.sens}
	head, rest, _ := strings.Cut(body, setsMark)
	parts.Head = head
	for _, st := range stamps {
		parts.Stamps += ",\n    " + st
	}
	parts.Tail = strings.TrimPrefix(rest, parts.Stamps)
	for i, c := range t.Updatable {
		if ph := plainParam("$", c); ph != "$" {
			if parts.Casts == nil {
				parts.Casts = make([]string, len(t.Updatable))
			}
			parts.Casts[i] = strings.TrimPrefix(ph, "$")
		}
	}
	return parts
}

// updateFallback renders the UPDATE of t that binds every updatable
// column, keeping the value of those left unset, as runtime.Update's
// FallbackSQL does from the same parts.
func updateFallback(t *ir.Table, parts *ir.UpdateParts) string {
	n := parts.Keys
	sens := append([]int(nil), parts.SensitiveKeys...)
	items := make([]string, len(t.Updatable))
	for i, c := range t.Updatable {
		cast := ""
		if parts.Casts != nil {
			cast = parts.Casts[i]
		}
		if c.Nullable {
			set := n + 1
			n += 2
			items[i] = c.Quoted + " = CASE WHEN $" + strconv.Itoa(set) + "::boolean THEN $" + strconv.Itoa(n) + cast + " ELSE " + c.Quoted + " END"
		} else {
			n++
			items[i] = c.Quoted + " = COALESCE($" + strconv.Itoa(n) + cast + ", " + c.Quoted + ")"
		}
		if c.Sensitive {
			sens = append(sens, n)
		}
	}
	return nameLine(t.Op+".Update", sens, false) + parts.Head + strings.Join(items, ",\n    ") + parts.Stamps + parts.Tail
}

// updateStatement computes Update's statement and arguments.
func updateStatement(t *ir.Table, s *ir.CRUDSQL) {
	sel := selectList(t.Columns)
	from := " FROM " + t.Quoted
	// Update: unset fields keep their value; nullable fields carry a flag
	// so that they can be set to NULL. Without values bound after the
	// columns', the statement is made of parts the runtime also builds
	// its variants from, one per set of columns set.
	if parts := updateParts(t); parts != nil {
		s.UpdateParts = parts
		s.Update = ir.Statement{Const: sqlName(t, "Update"), SQL: updateFallback(t, parts)}
		for _, c := range t.Updatable {
			if c.Nullable {
				s.UpdateArgs = append(s.UpdateArgs, ir.Arg{Column: c, Kind: ir.ArgOptSet}, ir.Arg{Column: c, Kind: ir.ArgOptValue})
			} else {
				s.UpdateArgs = append(s.UpdateArgs, ir.Arg{Column: c, Kind: ir.ArgOptPtr})
			}
		}
		return
	}
	p := placeholders{}
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
	conds = append(append(conds, scopeConds(t, "", false)...), guardConds(t)...)
	if len(sets) == 0 {
		// Nothing can change: the statement returns the row as it is.
		s.Update = p.finish(t, "Update", "SELECT "+sel+from+"\nWHERE "+and(conds))
	} else {
		s.Update = p.finish(t, "Update", updateSQL(t, sets, conds, returnRow))
	}
	s.Update.Const = sqlName(t, "Update")
}
