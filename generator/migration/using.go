package migration

import (
	"reflect"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// castTypeChanges gives each column type change between kinds of type
// (text to integer, text to an enum, integer to boolean, text to uuid)
// the USING clause PostgreSQL needs when the values convert only by an
// explicit cast: USING "col"::type. Changes within a kind (int to
// bigint, varchar(10) to text) convert without one, and keep none, so
// that a change PostgreSQL makes without a rewrite stays one. A default
// is dropped before such a change and set again after it.
func castTypeChanges(changes []schema.Change) (cast []*schema.ModifyColumn) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		var out []schema.Change
		for _, tc := range mt.Changes {
			m, ok := tc.(*schema.ModifyColumn)
			if !ok || !m.Change.Is(schema.ChangeType) || hasUsing(m) {
				out = append(out, tc)
				continue
			}
			to := castTo(m.From.Type.Type, m.To.Type.Type)
			if to == "" {
				out = append(out, tc)
				continue
			}
			if m.From.Default != nil {
				// PostgreSQL converts the default as it is, without the
				// cast, and refuses: it is dropped first and set after.
				bare := *m.From
				bare.Default = nil
				out = append(out, &schema.ModifyColumn{From: m.From, To: &bare, Change: schema.ChangeDefault})
				if m.To.Default != nil {
					m.Change |= schema.ChangeDefault
				}
				m.From = &bare
			}
			m.Extra = append(m.Extra, &postgres.ConvertUsing{X: quote(m.To.Name) + to})
			out = append(out, m)
			cast = append(cast, m)
		}
		mt.Changes = out
	}
	return cast
}

// castReverses gives the reverse statements of the planned changes the
// USING clauses castTypeChanges gave the changes of cast, converting
// back, and drops a default before such a conversion: Atlas reverses a
// type change without them.
func castReverses(planned []*Change, cast []*schema.ModifyColumn) {
	for _, m := range cast {
		back := castTo(m.To.Type.Type, m.From.Type.Type)
		if back == "" {
			continue
		}
		typ := castTarget(m.From.Type.Type)
		if typ == "" {
			continue
		}
		alter := "ALTER COLUMN " + quote(m.To.Name) + " TYPE " + typ
		using := alter + " USING " + quote(m.To.Name) + back
		if m.To.Default != nil {
			using = "ALTER COLUMN " + quote(m.To.Name) + " DROP DEFAULT, " + using
		}
		for _, c := range planned {
			for i, r := range c.Reverse {
				if k := strings.Index(r, alter); k >= 0 && !strings.HasPrefix(r[k+len(alter):], " USING") {
					if end := r[k+len(alter):]; end == "" || end[0] == ',' || end[0] == ';' {
						c.Reverse[i] = r[:k] + using + end
					}
				}
			}
		}
	}
}

// castTarget is the type t as Atlas's statements write it.
func castTarget(t schema.Type) string {
	if e, ok := t.(*schema.EnumType); ok {
		return quote(e.T)
	}
	typ, err := postgres.FormatType(t)
	if err != nil {
		return ""
	}
	return typ
}

// castTo returns the casts ("::integer", "::text::\"status\"") that
// convert a value of type from to type to when PostgreSQL needs them
// said: the two are of different kinds, or different enum types (an
// enum converts through its text); "" otherwise.
func castTo(from, to schema.Type) string {
	_, toArray := to.(*postgres.ArrayType)
	fe, te := enumElem(from), enumElem(to)
	switch {
	case te != nil && fe != nil && fe.T == te.T:
		return ""
	case te != nil && toArray:
		return "::text[]::" + quote(te.T) + "[]"
	case te != nil:
		return "::text::" + quote(te.T)
	}
	fromElem, toElem := from, to
	if a, ok := from.(*postgres.ArrayType); ok {
		fromElem = a.Type
	}
	if a, ok := to.(*postgres.ArrayType); ok {
		toElem = a.Type
	}
	if fromElem == nil || toElem == nil || reflect.TypeOf(fromElem) == reflect.TypeOf(toElem) {
		return ""
	}
	typ, err := postgres.FormatType(to)
	if err != nil {
		return ""
	}
	return "::" + typ
}

// hasUsing reports whether m already converts with a USING clause.
func hasUsing(m *schema.ModifyColumn) bool {
	for _, x := range m.Extra {
		if _, ok := x.(*postgres.ConvertUsing); ok {
			return true
		}
	}
	return false
}
