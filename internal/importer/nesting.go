package importer

import "github.com/cpcgen/cpcgen/internal/sqllex"

// nestedSameOp reports whether plain, an expression as PostgreSQL prints
// it without pretty-printing (every boolean operation in parentheses),
// holds an AND one of whose operands is an AND of its own, or an OR one
// of an OR: a > 0 AND (b > 0 AND c > 0), or a BETWEEN beside other
// conditions. Pretty-printing drops those parentheses, and PostgreSQL
// parses the text it gives into one flat AND: another expression, which
// pg_dump prints otherwise. Such an expression is read without
// pretty-printing.
func nestedSameOp(plain string) bool {
	toks, err := sqllex.Lex(plain)
	if err != nil {
		return false
	}
	type operand struct {
		items int    // tokens and parenthesized groups
		op    string // the operator of its first item, a group
	}
	i, found := 0, false
	// group reads the tokens up to the parenthesis closing the group it
	// is in, or the end, and returns the operator of its top level:
	// "and", "or", "mixed", or "" for neither.
	var group func() string
	group = func() string {
		op := ""
		var done []operand
		cur := operand{}
		for i < len(toks) {
			t := toks[i]
			i++
			if t.IsPunct(")") {
				break
			}
			switch {
			case t.IsPunct("("):
				inner := group()
				if cur.items == 0 {
					cur.op = inner
				}
				cur.items++
			case t.Is("and") || t.Is("or"):
				w := "or"
				if t.Is("and") {
					w = "and"
				}
				if op == "" {
					op = w
				} else if op != w {
					op = "mixed"
				}
				done = append(done, cur)
				cur = operand{}
			default:
				cur.items++
			}
		}
		for _, o := range append(done, cur) {
			if o.items == 1 && o.op == op && (op == "and" || op == "or") {
				found = true
			}
		}
		return op
	}
	group()
	return found
}
