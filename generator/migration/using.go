package migration

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// castTypeChanges gives each column type change between kinds of type
// (text to integer, text to an enum, integer to boolean, text to uuid)
// the USING clause PostgreSQL needs when the values convert only by an
// explicit cast: USING "col"::type. Changes within a kind (int to
// bigint, varchar(10) to text) convert without one, and keep none, so
// that a change PostgreSQL makes without a rewrite stays one. It returns
// the changes given one, for castStatements.
//
// It also returns the changes within a kind to another type (jsonb to
// json, varchar to text) of a column whose default is a quoted literal,
// which PostgreSQL converts by an implicit cast of the literal of the
// old type ('{}'::jsonb in a json column): castStatements sets such a
// default again after the conversion, so that the column has the default
// a new database gets ('{}'::json).
func castTypeChanges(changes []schema.Change) (cast []retype) {
	for _, r := range unconverted(changes) {
		m := r.m
		if to := castTo(m.From.Type.Type, m.To.Type.Type); to != "" {
			m.Extra = append(m.Extra, &postgres.ConvertUsing{X: quote(m.To.Name) + to})
			cast = append(cast, r)
		} else if literalDefaultRetyped(m) {
			cast = append(cast, r)
		}
	}
	return cast
}

// literalDefaultRetyped reports whether m changes a column's type, within
// a kind, to one of another name, or of other modifiers that the default
// names, while keeping a default that is a quoted literal, which
// PostgreSQL leaves cast to the old type.
func literalDefaultRetyped(m *schema.ModifyColumn) bool {
	if m.Change.Is(schema.ChangeDefault) || m.From.Default == nil || m.To.Default == nil {
		return false
	}
	from, to := defaultSQL(m.From), defaultSQL(m.To)
	if !strings.HasPrefix(from, "'") || !strings.HasPrefix(to, "'") {
		return false
	}
	// A type of the same name with other modifiers (varchar(16) to
	// varchar(32)) leaves a default written with them ('en'::varchar(16))
	// so too.
	return modsRE.ReplaceAllString(castTarget(m.From.Type.Type), "") != modsRE.ReplaceAllString(castTarget(m.To.Type.Type), "") ||
		from != to && modsRE.MatchString(from)
}

// retype is a column type change and its table.
type retype struct {
	t *schema.Table
	m *schema.ModifyColumn
}

// unconverted returns the column type changes of changes without a USING
// clause of their own.
func unconverted(changes []schema.Change) []retype {
	var out []retype
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, tc := range mt.Changes {
			if m, ok := tc.(*schema.ModifyColumn); ok && retyped(m) && !hasUsing(m) {
				out = append(out, retype{mt.T, m})
			}
		}
	}
	return out
}

// uncastable refuses a column type change PostgreSQL has no cast for
// (integer to uuid, time to timestamp, bigint to boolean: see
// pgtypes.CastExists): no ALTER COLUMN … TYPE converts the values, with
// USING "col"::type or without; only an expression of the user's can
// (to_timestamp(col), current_date + col). An enum converts through
// text (castTo); a type the table does not know is left to the server.
func uncastable(changes []schema.Change) error {
	for _, r := range unconverted(changes) {
		m := r.m
		from, to := castType(m.From.Type.Type), castType(m.To.Type.Type)
		if from == nil || to == nil {
			continue
		}
		_, fromArray := m.From.Type.Type.(*postgres.ArrayType)
		_, toArray := m.To.Type.Type.(*postgres.ArrayType)
		switch {
		case fromArray != toArray && (!fromArray && from.Text || !toArray && to.Text):
			continue // through text
		case fromArray == toArray && pgtypes.CastExists(from, to):
			continue
		}
		f, _ := postgres.FormatType(m.From.Type.Type)
		t, _ := postgres.FormatType(m.To.Type.Type)
		return fmt.Errorf("column %q of table %q changes type from %s to %s, which PostgreSQL has no cast for: no migration converts its values by itself. "+
			"Change it in steps (add a column of type %s, set it from %s in SQL, drop the old column), "+
			"or write ALTER TABLE %s ALTER COLUMN %s TYPE %s USING <expression> in a migration by hand",
			m.To.Name, r.t.Name, f, t, t, quote(m.To.Name), quote(r.t.Name), quote(m.To.Name), t)
	}
	return nil
}

// castType returns the row of the type table of a column's Atlas type,
// an array's element's for an array; nil for an enum or a type the table
// does not know. (An array and a scalar cast only through text: the
// scalar is of a string type.)
func castType(t schema.Type) *pgtypes.Type {
	t = serialInteger(t)
	switch t := t.(type) {
	case *postgres.ArrayType:
		return castType(t.Type)
	case *schema.EnumType:
		return nil
	case *postgres.UserDefinedType:
		return pgtypes.Find(t.T)
	}
	name, err := postgres.FormatType(t)
	if err != nil {
		return nil
	}
	return pgtypes.Find(modsRE.ReplaceAllString(name, ""))
}

// modsRE matches the modifiers of a type's name, (10) or (18,2).
var modsRE = regexp.MustCompile(`\(\d+(?:,\s*\d+)?\)`)

// castStatements completes the planned statements of the changes
// castTypeChanges gave a USING clause: a column's default, which
// PostgreSQL would convert without the cast and refuse, is dropped
// before the conversion and set again after it; and the reverse, which
// Atlas writes without a cast, converts back with one, the same way.
//
// Only the statements of the column's own table are completed: another
// table's column of the same name, converted to the same type, has a
// default of its own, or none.
func castStatements(planned []*Change, cast []retype) {
	for _, r := range cast {
		m := r.m
		col := quote(m.To.Name)
		up := "ALTER COLUMN " + col + " TYPE " + castTarget(m.To.Type.Type)
		keepsDefault := !m.Change.Is(schema.ChangeDefault) // Atlas sets a changed one itself
		down := "ALTER COLUMN " + col + " TYPE " + castTarget(m.From.Type.Type)
		back := castTo(m.To.Type.Type, m.From.Type.Type)
		using := ""
		if hasUsing(m) {
			using = " USING " + col + castTo(m.From.Type.Type, m.To.Type.Type)
		}
		for _, c := range planned {
			if mt, ok := c.Source.(*schema.ModifyTable); !ok || mt.T.Name != r.t.Name {
				continue
			}
			c.Cmd = aroundType(c.Cmd, up, using, col, m.From, m.To, keepsDefault)
			if back == "" {
				if !hasUsing(m) {
					// A literal default set again (castTypeChanges),
					// and so set again by the reverse.
					for i, r := range c.Reverse {
						c.Reverse[i] = aroundType(r, down, "", col, m.To, m.From, keepsDefault)
					}
				}
				continue
			}
			for i, r := range c.Reverse {
				if k := clauseAt(r, down); k >= 0 {
					r = r[:k+len(down)] + " USING " + col + back + r[k+len(down):]
					c.Reverse[i] = aroundType(r, down, " USING "+col+back, col, m.To, m.From, keepsDefault)
				}
			}
		}
	}
}

// aroundType returns stmt with the clause alter (ALTER COLUMN "c" TYPE
// t), followed by using, preceded by DROP DEFAULT when the column has
// one before (from) and followed by SET DEFAULT when it has one after
// (to) that the statement does not set itself; stmt itself when it has
// no such clause.
func aroundType(stmt, alter, using, col string, from, to *schema.Column, setDefault bool) string {
	k := clauseAt(stmt, alter+using)
	if k < 0 {
		return stmt
	}
	end := k + len(alter+using)
	set := ""
	if setDefault && from.Default != nil {
		set = defaultSQL(to)
	}
	rest := stmt[end:]
	if from.Default != nil {
		// The default dropped for good (Atlas's own DROP DEFAULT after
		// the conversion) is dropped once, by the clause put before it.
		rest = withoutClause(rest, "ALTER COLUMN "+col+" DROP DEFAULT")
	}
	return stmt[:k] + aroundDefault(col, stmt[k:end], from.Default != nil, set) + rest
}

// withoutClause returns the rest of an ALTER TABLE statement without its
// clause ", clause" (one ending at a comma, a semicolon or the end).
func withoutClause(rest, clause string) string {
	for off := 0; ; {
		k := strings.Index(rest[off:], ", "+clause)
		if k < 0 {
			return rest
		}
		k += off
		end := k + len(", "+clause)
		if end == len(rest) || rest[end] == ',' || rest[end] == ';' {
			return rest[:k] + rest[end:]
		}
		off = end
	}
}

// aroundDefault returns the ALTER TABLE clause conversion (ALTER COLUMN
// col TYPE …) preceded by the column's DROP DEFAULT when drop is set (a
// default PostgreSQL would convert without the conversion's cast, and
// refuse), and followed by SET DEFAULT set when set is not "".
func aroundDefault(col, conversion string, drop bool, set string) string {
	if drop {
		conversion = "ALTER COLUMN " + col + " DROP DEFAULT, " + conversion
	}
	if set != "" {
		conversion += ", ALTER COLUMN " + col + " SET DEFAULT " + set
	}
	return conversion
}

// castTarget is the type t as the planned statements write it: Atlas's
// spelling, but for an enum and an array of one, named as it is
// (enumArrayRetypes).
func castTarget(t schema.Type) string {
	t = serialInteger(t)
	if e, ok := t.(*schema.EnumType); ok {
		return quote(e.T)
	}
	if a, ok := t.(*postgres.ArrayType); ok {
		if e, ok := a.Type.(*schema.EnumType); ok {
			return quote(e.T) + strings.Repeat("[]", max(strings.Count(a.T, "[]"), 1))
		}
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
// enum converts through its text, to an enum and from one); "" otherwise.
func castTo(from, to schema.Type) string {
	from, to = serialInteger(from), serialInteger(to)
	_, toArray := to.(*postgres.ArrayType)
	fe, te := enumElem(from), enumElem(to)
	switch {
	case te != nil && fe != nil && fe.T == te.T:
		return ""
	case te != nil && toArray:
		return "::text[]::" + quote(te.T) + "[]"
	case te != nil:
		return "::text::" + quote(te.T)
	case fe != nil:
		// PostgreSQL casts an enum to text only.
		typ, err := postgres.FormatType(to)
		if err != nil {
			return ""
		}
		via := "::text"
		if _, fromArray := from.(*postgres.ArrayType); fromArray {
			via = "::text[]"
		}
		if "::"+typ == via {
			return via
		}
		return via + "::" + typ
	}
	fromElem, toElem := from, to
	fromArray := false
	if a, ok := from.(*postgres.ArrayType); ok {
		fromElem, fromArray = a.Type, true
	}
	if a, ok := to.(*postgres.ArrayType); ok {
		toElem = a.Type
	}
	// A scalar and an array convert only through text, explicitly
	// (varchar to text[]), even when their elements are of one kind.
	if fromElem == nil || toElem == nil || fromArray == toArray && reflect.TypeOf(fromElem) == reflect.TypeOf(toElem) {
		return ""
	}
	typ, err := postgres.FormatType(to)
	if err != nil {
		return ""
	}
	return "::" + typ
}

// serialInteger returns the integer type of a serial type (a value
// casts to integer, not to serial, and Atlas's ALTER COLUMN … TYPE
// writes the integer type), and any other type as it is.
func serialInteger(t schema.Type) schema.Type {
	if s, ok := t.(*postgres.SerialType); ok {
		return s.IntegerType()
	}
	return t
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

// clauseAt returns where stmt holds the clause, ended by a comma, a
// semicolon or the statement's end; -1 when it does not.
func clauseAt(stmt, clause string) int {
	k := strings.Index(stmt, clause)
	if k < 0 {
		return -1
	}
	if rest := stmt[k+len(clause):]; rest != "" && rest[0] != ',' && rest[0] != ';' {
		return -1
	}
	return k
}
