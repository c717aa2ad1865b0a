package importer

import (
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// overloadOrder is the order f's overloads are created in (and dropped
// in, reversed): a LANGUAGE sql overload whose body calls the
// function's own name, so another overload, which PostgreSQL resolves
// when it creates the body (Chado's subsequence_by_feature(bigint) calls
// subsequence_by_feature(bigint, integer, integer)), after the overloads
// that call may resolve to, those taking as many arguments as it passes
// (pgTAP's col_has_check(name, name) calls col_has_check(name, name,
// text), which calls col_has_check(name, name[], text)); otherwise the
// catalog's order. A call no overload takes that many arguments of comes
// after every overload that calls none; overloads that need each other
// keep the catalog's order.
func overloadOrder(f CatFunction) []int {
	n := len(f.Defs)
	params := make([]int, n)
	defaults := make([]int, n)
	variadic := make([]bool, n)
	for i := range f.Defs {
		if i < len(f.Args) {
			params[i] = len(identityArgs(f.Args[i]))
			variadic[i] = containsFold(f.Args[i], "variadic ")
		}
		head, _, _ := strings.Cut(f.Defs[i], "\n") // the CREATE line, with the arguments and their defaults
		if toks, err := sqllex.Lex(head); err == nil {
			for _, t := range toks {
				if t.Is("default") {
					defaults[i]++
				}
			}
		}
	}
	// takes reports whether overload j takes a call of k arguments.
	takes := func(j, k int) bool {
		if variadic[j] && k >= params[j]-1 {
			return true
		}
		return k <= params[j] && k >= params[j]-defaults[j]
	}
	arities := make([][]int, n)
	for i, def := range f.Defs {
		text, sqlBody := checkedAtCreate(def)
		_, rest, _ := strings.Cut(text, "\n") // not the CREATE line, which names the overload itself
		if sqlBody && n > 1 {
			arities[i] = callArities(rest, f.Name)
		}
	}
	needs := make([][]int, n)
	for i := range f.Defs {
		for _, k := range arities[i] {
			found := false
			for j := range f.Defs {
				if j != i && takes(j, k) {
					needs[i] = append(needs[i], j)
					found = true
				}
			}
			if !found {
				// A call of an overload not found by its arguments:
				// after every overload that calls none.
				for j := range f.Defs {
					if j != i && len(arities[j]) == 0 {
						needs[i] = append(needs[i], j)
					}
				}
			}
		}
	}
	order := make([]int, 0, n)
	placed := make([]bool, n)
	for len(order) < n {
		next := -1
		for i := 0; i < n && next < 0; i++ {
			if placed[i] {
				continue
			}
			ready := true
			for _, j := range needs[i] {
				if !placed[j] {
					ready = false
					break
				}
			}
			if ready {
				next = i
			}
		}
		if next < 0 {
			// Overloads that need each other: the rest as the catalog
			// has them.
			for i := 0; i < n; i++ {
				if !placed[i] {
					placed[i] = true
					order = append(order, i)
				}
			}
			break
		}
		placed[next] = true
		order = append(order, next)
	}
	return order
}

// callArities returns, for each call of the function name in text
// (name(…), schema-qualified or not, in any case or quoted), the number
// of arguments it passes, reading the bodies in dollar quotes too.
func callArities(text, name string) []int {
	toks, err := sqllex.Lex(text)
	if err != nil {
		return nil
	}
	var out []int
	for i, t := range toks {
		if t.Kind == sqllex.String && strings.HasPrefix(t.Text, "$") {
			if tag, ok := sqllex.DollarTag(t.Text, 0); ok && len(t.Text) >= 2*len(tag) {
				out = append(out, callArities(t.Text[len(tag):len(t.Text)-len(tag)], name)...)
			}
			continue
		}
		if t.Ident() != name || (t.Kind != sqllex.Word && t.Kind != sqllex.Quoted) || i+1 >= len(toks) || !toks[i+1].IsPunct("(") {
			continue
		}
		end := sqllex.Closing(toks, i+1)
		if end < 0 {
			continue
		}
		args := len(sqllex.Split(toks[i+2:end], sqllex.Comma))
		out = append(out, args)
	}
	return out
}

// identityArgs splits a function's identity arguments (name type, …)
// at their commas outside parentheses and quotes; "" has none.
func identityArgs(list string) [][]sqllex.Tok {
	toks, _ := sqllex.Lex(list)
	return sqllex.Split(toks, sqllex.Comma)
}
