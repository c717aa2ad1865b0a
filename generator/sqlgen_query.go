package generator

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/filterop"
)

// structuredSQL computes the statements of one variant of a structured
// query: the optional parameters in set are bound, the others' filters
// left out. With fallback, every optional filter is kept and tests its
// parameter for NULL instead.
func structuredSQL(q *ir.Query, terms []*queryTerm, order []orderTerm, set map[*ir.QueryParam]bool, fallback bool, limit, offset, tenant *ir.QueryParam) *ir.QueryVariant {
	t := q.Table
	v := &ir.QueryVariant{}
	// Structured queries only read.
	p := placeholders{readOnly: true}
	var conds []string
	for _, term := range terms {
		if term.optional && !fallback && !set[term.params[0]] {
			continue
		}
		conds = append(conds, term.condition(&p, &v.Args, fallback))
	}
	if tenant != nil {
		conds = append(conds, t.Tenant.Quoted+" = "+p.next())
		v.Args = append(v.Args, ir.QueryArg{Param: tenant, Kind: ir.ArgValue})
	}
	if t.DeletedAt != nil && !q.IncludeDeleted {
		conds = append(conds, t.DeletedAt.Quoted+" IS NULL")
	}
	from := " FROM " + t.Quoted
	where := ""
	if len(conds) > 0 {
		where = "\nWHERE " + strings.Join(conds, " AND ")
	}
	finish := func(p *placeholders, body string) string { return p.finish(t, q.Name, body).SQL }
	switch q.Returns {
	case "count":
		v.Main.SQL = finish(&p, "SELECT count(*)"+from+where)
		return v
	case "exists":
		v.Main.SQL = finish(&p, "SELECT EXISTS (SELECT 1"+from+where+")")
		return v
	}
	sel := "SELECT " + selectList(t.Columns) + from
	orderBy := orderClause(order)
	switch q.Paginate {
	case "keyset":
		filters := p
		filters.sens = slices.Clip(filters.sens)
		main := filters
		v.Main.SQL = finish(&main, sel+where+orderBy+"\nLIMIT "+main.next())
		stream := filters
		v.Stream.SQL = finish(&stream, sel+where+orderBy)
		after := filters
		conds := append(append([]string(nil), conds...), keysetCondition(order, &after))
		v.After.SQL = finish(&after, sel+"\nWHERE "+strings.Join(conds, " AND ")+orderBy+"\nLIMIT "+after.next())
	case "offset":
		filters := p
		filters.sens = slices.Clip(filters.sens)
		main := filters
		v.Main.SQL = finish(&main, sel+where+orderBy+"\nLIMIT "+main.next()+" OFFSET "+main.next())
		stream := filters
		v.Stream.SQL = finish(&stream, sel+where+orderBy)
	default:
		tail := ""
		switch {
		case limit != nil:
			tail += "\nLIMIT " + p.next()
			v.Args = append(v.Args, ir.QueryArg{Param: limit, Kind: ir.ArgValue})
		case q.Limit > 0:
			tail += "\nLIMIT " + strconv.Itoa(q.Limit)
		case q.Returns == "one":
			tail += "\nLIMIT 1"
		}
		if offset != nil {
			tail += "\nOFFSET " + p.next()
			v.Args = append(v.Args, ir.QueryArg{Param: offset, Kind: ir.ArgValue})
		}
		v.Main.SQL = finish(&p, sel+where+orderBy+tail)
	}
	return v
}

// orderClause renders ORDER BY, or "" without terms.
func orderClause(order []orderTerm) string {
	if len(order) == 0 {
		return ""
	}
	parts := make([]string, len(order))
	for i, o := range order {
		parts[i] = o.col.Quoted
		if o.desc {
			parts[i] += " DESC"
		}
		switch o.nulls {
		case "first":
			parts[i] += " NULLS FIRST"
		case "last":
			parts[i] += " NULLS LAST"
		}
	}
	return "\nORDER BY " + strings.Join(parts, ", ")
}

// keysetCondition selects the rows after a cursor holding the values of
// the order columns, taking placeholders from p. When every column sorts
// the same way it is a row comparison, ("a", "b") > ($1, $2), which an
// index on (a, b) answers directly; with mixed directions it spells the
// comparison out: "a" >= $1 AND ("a" > $1 OR ("a" = $1 AND "b" < $2)).
func keysetCondition(order []orderTerm, p *placeholders) string {
	phs := make([]string, len(order))
	for i, o := range order {
		phs[i] = plainParam(p.nextFor(o.col), o.col)
	}
	after := func(o orderTerm) string {
		if o.desc {
			return "<"
		}
		return ">"
	}
	same := true
	for _, o := range order[1:] {
		same = same && o.desc == order[0].desc
	}
	if len(order) == 1 {
		return order[0].col.Quoted + " " + after(order[0]) + " " + phs[0]
	}
	if same {
		cols := make([]string, len(order))
		for i, o := range order {
			cols[i] = o.col.Quoted
		}
		return "(" + strings.Join(cols, ", ") + ") " + after(order[0]) + " (" + strings.Join(phs, ", ") + ")"
	}
	last := len(order) - 1
	expr := order[last].col.Quoted + " " + after(order[last]) + " " + phs[last]
	for i := last - 1; i >= 0; i-- {
		c := order[i].col.Quoted
		expr = c + " " + after(order[i]) + " " + phs[i] + " OR (" + c + " = " + phs[i] + " AND (" + expr + "))"
	}
	return order[0].col.Quoted + " " + after(order[0]) + "= " + phs[0] + " AND (" + expr + ")"
}

// condition renders the term with placeholders from p and appends the
// arguments it binds to args. With fallback, an optional term keeps its
// condition and tests its parameter: unset (NULL) matches every row.
func (term *queryTerm) condition(p *placeholders, args *[]ir.QueryArg, fallback bool) string {
	c, op := term.col, term.op
	switch {
	case op.Shape == filterop.NoValue:
		return op.Condition(c.Quoted, c.Nullable)
	case term.hasValue && op.Shape == filterop.List:
		arr := c.Type
		arr.ArrayDims++
		return op.Condition(c.Quoted, c.Nullable, literalSQL(arr, term.value))
	case term.hasValue:
		return op.Condition(c.Quoted, c.Nullable, literalSQL(c.Type, term.value))
	case op.Shape == filterop.Range:
		from, to := p.nextFor(c), p.nextFor(c)
		*args = append(*args, ir.QueryArg{Param: term.params[0], Kind: ir.ArgValue}, ir.QueryArg{Param: term.params[1], Kind: ir.ArgValue})
		return op.Condition(c.Quoted, c.Nullable, plainParam(from, c), plainParam(to, c))
	}
	param := term.params[0]
	if term.optional && fallback {
		if op.Shape == filterop.List {
			set, val := p.next(), p.nextFor(c)
			*args = append(*args, ir.QueryArg{Param: param, Kind: ir.ArgOptSet}, ir.QueryArg{Param: param, Kind: ir.ArgOptValue})
			return "(NOT " + set + "::boolean OR " + op.Condition(c.Quoted, c.Nullable, arrayParam(val, c)) + ")"
		}
		ph := p.nextFor(c)
		*args = append(*args, ir.QueryArg{Param: param, Kind: ir.ArgOptPtr})
		return "(" + cast(ph, c) + " IS NULL OR " + op.Condition(c.Quoted, c.Nullable, plainParam(ph, c)) + ")"
	}
	kind := ir.ArgValue
	if term.optional {
		kind = ir.ArgOptValue
	}
	ph := p.nextFor(c)
	*args = append(*args, ir.QueryArg{Param: param, Kind: kind})
	if op.Shape == filterop.List {
		return op.Condition(c.Quoted, c.Nullable, arrayParam(ph, c))
	}
	return op.Condition(c.Quoted, c.Nullable, plainParam(ph, c))
}
