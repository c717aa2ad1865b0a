package pgtypes

// CastExists reports whether PostgreSQL converts values of type from to
// type to with a cast (to::to), as an ALTER COLUMN … TYPE … USING needs:
// one of pg_cast's casts between the types of the table, or the
// conversion through text every type has to and from the string types
// (text, varchar, char, citext). Pairs without one (integer to uuid,
// time to timestamp) convert only by an expression of the user's.
// TestCastsOnPostgreSQL checks every pair against the server.
func CastExists(from, to *Type) bool {
	if from == to || from.Text || to.Text {
		return true
	}
	if from.Elem != nil || to.Elem != nil {
		return false // ranges cast to nothing but text
	}
	if numeric(from) && numeric(to) {
		return true
	}
	return extraCasts[[2]string{from.Name, to.Name}]
}

// numeric reports whether t is one of the number types, which all cast
// to one another.
func numeric(t *Type) bool { return t.Int != nil || t.FloatBits > 0 || t.Decimal }

// extraCasts are the casts of pg_cast between types of the table other
// than the number types among themselves.
var extraCasts = map[[2]string]bool{}

func init() {
	for _, p := range [][2]string{
		{"integer", "boolean"}, {"boolean", "integer"},
		{"integer", "bit"}, {"bigint", "bit"}, {"bit", "integer"}, {"bit", "bigint"},
		{"bit", "bit varying"}, {"bit varying", "bit"},
		{"json", "jsonb"}, {"jsonb", "json"},
		{"jsonb", "boolean"}, {"jsonb", "smallint"}, {"jsonb", "integer"}, {"jsonb", "bigint"},
		{"jsonb", "numeric"}, {"jsonb", "real"}, {"jsonb", "double precision"},
		{"date", "timestamp"}, {"date", "timestamptz"}, {"timestamp", "date"}, {"timestamptz", "date"},
		{"timestamp", "timestamptz"}, {"timestamptz", "timestamp"}, {"timestamp", "time"}, {"timestamptz", "time"},
		{"interval", "time"}, {"time", "interval"},
		{"inet", "cidr"}, {"cidr", "inet"}, {"macaddr", "macaddr8"}, {"macaddr8", "macaddr"},
		{"hstore", "json"}, {"hstore", "jsonb"},
	} {
		extraCasts[p] = true
	}
}
