package importer

import (
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// keepSetOpColumnNames rewrites, in a query as PostgreSQL prints it, each
// output column of a SELECT after UNION, INTERSECT or EXCEPT that is
// printed without a name and is not a column reference, NULL::integer,
// into one named "?column?": NULL::integer AS "?column?". In a set
// operation of a subquery (FROM (SELECT … UNION ALL SELECT NULL …) q)
// PostgreSQL prints such a column without AS only when its name is
// "?column?", but names the column it parses from the text after the
// expression (int4 for NULL::integer), and pg_dump then prints
// NULL::integer AS int4: another view. The name written keeps the
// column's own; PostgreSQL prints it back without AS.
func keepSetOpColumnNames(s string) string {
	if !containsFold(s, "union") && !containsFold(s, "intersect") && !containsFold(s, "except") {
		return s
	}
	toks, err := sqllex.Lex(s)
	if err != nil {
		return s
	}
	var inserts []int
	for i := 0; i < len(toks); i++ {
		if !toks[i].Is("union") && !toks[i].Is("intersect") && !toks[i].Is("except") {
			continue
		}
		j := i + 1
		if j < len(toks) && (toks[j].Is("all") || toks[j].Is("distinct")) {
			j++
		}
		for j < len(toks) && toks[j].IsPunct("(") {
			j++
		}
		if j >= len(toks) || !toks[j].Is("select") {
			continue
		}
		j++
		if j < len(toks) && toks[j].Is("distinct") {
			j++
			if j+1 < len(toks) && toks[j].Is("on") && toks[j+1].IsPunct("(") {
				if j = sqllex.Closing(toks, j+1); j < 0 {
					break
				}
				j++
			}
		}
		// The output columns, up to the clause after them (or the
		// parenthesis closing the SELECT).
		itemEnd := func(k int) bool {
			t := toks[k]
			return t.IsPunct(";") || t.IsPunct(",") ||
				t.Kind == sqllex.Word && setOpArmEnd[t.Norm()] && !(t.Is("from") && toks[k-1].Is("distinct"))
		}
		for {
			start := j
			j = sqllex.Top(toks, start, itemEnd)
			if item := toks[start:j]; len(item) > 0 && !namedOrColumn(item) {
				inserts = append(inserts, item[len(item)-1].End())
			}
			if j == len(toks) || !toks[j].IsPunct(",") {
				break
			}
			j++
		}
		i = j - 1
	}
	for k := len(inserts) - 1; k >= 0; k-- {
		s = s[:inserts[k]] + ` AS "?column?"` + s[inserts[k]:]
	}
	return s
}

// setOpArmEnd are the key words that end the output columns of a SELECT.
var setOpArmEnd = map[string]bool{"from": true, "where": true, "group": true, "having": true, "window": true, "order": true,
	"limit": true, "offset": true, "fetch": true, "for": true, "into": true, "union": true, "intersect": true, "except": true}

// namedOrColumn reports whether an output column as PostgreSQL prints it
// has a name (… AS name), is a column reference (q.x) or a star (q.*),
// whose names the text keeps.
func namedOrColumn(item []sqllex.Tok) bool {
	n := len(item)
	if n >= 2 && item[n-2].Is("as") && (item[n-1].Kind == sqllex.Word || item[n-1].Kind == sqllex.Quoted) {
		return true
	}
	if item[n-1].IsPunct("*") {
		return true
	}
	if n%2 == 0 {
		return false
	}
	for k, t := range item {
		if k%2 == 1 {
			if !t.IsPunct(".") {
				return false
			}
		} else if t.Kind != sqllex.Quoted && (t.Kind != sqllex.Word || n == 1 && valueKeyword[strings.ToLower(t.Text)]) {
			return false
		}
	}
	return true
}

// valueKeyword are the key words that PostgreSQL prints alone for a value,
// not a column.
var valueKeyword = map[string]bool{"null": true, "true": true, "false": true, "current_date": true, "current_time": true,
	"current_timestamp": true, "localtime": true, "localtimestamp": true, "current_user": true, "current_role": true,
	"session_user": true, "user": true, "current_catalog": true, "current_schema": true}

// keepSetOpColumnNames applies keepSetOpColumnNames to the queries of the
// catalog that PostgreSQL printed from their parse trees: the views',
// and the subqueries of policies and rules.
func (cat *Catalog) keepSetOpColumnNames() {
	for i := range cat.Views {
		cat.Views[i].Def = keepSetOpColumnNames(cat.Views[i].Def)
	}
	for _, list := range [][]CatStatement{cat.Policies, cat.Rules} {
		for i := range list {
			list[i].SQL = keepSetOpColumnNames(list[i].SQL)
		}
	}
}
