package pgtypes

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"ariga.io/atlas/sql/postgres"
)

// TestRowsComplete checks that every row states every fact: a row
// missing one fails here, before any consumer meets it.
func TestRowsComplete(t *testing.T) {
	names := map[string]*Type{}
	catalogs := map[string]*Type{}
	for _, typ := range All {
		t.Run(typ.Name, func(t *testing.T) {
			missing := func(fact string, ok bool) {
				if !ok {
					t.Errorf("row %q has no %s", typ.Name, fact)
				}
			}
			missing("name in lower case", typ.Name != "" && typ.Name == strings.ToLower(typ.Name))
			missing("literal kind", typ.Literal != nil)
			missing("Go type", typ.Go.Name != "")
			missing("codec note", typ.Codec != "")
			missing("catalog name", typ.Catalog != "")
			missing("Atlas name", typ.AtlasName != "")
			missing("Atlas constructor", typ.atlas != nil)
			missing("docs", typ.Docs != "")
			// Batch writes sort keys with Compare: every type but the ones
			// whose Go values have no order has one.
			missing("Compare function", typ.Compare.Name != "" || typ.Elem != nil || typ.Name == "tsvector" || typ.Name == "hstore")
			for _, n := range append([]string{typ.Name}, typ.Aliases...) {
				if prev := names[n]; prev != nil {
					t.Errorf("name %q belongs to %q and %q", n, prev.Name, typ.Name)
				}
				names[n] = typ
				if Lookup(n) != typ {
					t.Errorf("Lookup(%q) is not row %q", n, typ.Name)
				}
				if _, refused := Unsupported[n]; refused {
					t.Errorf("name %q is both a type and unsupported", n)
				}
			}
			if prev := catalogs[typ.Catalog]; prev != nil {
				t.Errorf("catalog name %q belongs to %q and %q", typ.Catalog, prev.Name, typ.Name)
			}
			catalogs[typ.Catalog] = typ
			if ByCatalog(typ.Catalog) != typ || ByAtlasName(typ.AtlasName) != typ {
				t.Errorf("ByCatalog(%q) or ByAtlasName(%q) is not row %q", typ.Catalog, typ.AtlasName, typ.Name)
			}
			for _, h := range typ.Hints {
				if Hint(h) != typ || Lookup(h) != nil {
					t.Errorf("hint %q of %q is also a type name or another row's hint", h, typ.Name)
				}
			}
			// A literal example exactly when the type takes literals, and
			// the example is one.
			if typ.Literal != nil && typ.Literal.Accepts() != (typ.Example != "") {
				t.Errorf("row %q: Example %q, but Literal %s accepts literals: %v", typ.Name, typ.Example, typ.Literal.Kind, typ.Literal.Accepts())
			}
			if typ.Example != "" {
				if _, err := typ.CheckLiteral(Value{Text: typ.Example, Desc: strconv.Quote(typ.Example), Type: typ.Name}); err != nil {
					t.Errorf("row %q: Example %q is not a literal of it: %v", typ.Name, typ.Example, err)
				}
			}
			// Facts that must agree with each other.
			if typ.Text && typ.Go != (GoType{Name: "string"}) {
				t.Errorf("row %q is Text but its Go type is %s", typ.Name, typ.Go)
			}
			if typ.CacheKey != "" && (!typ.MapKey || !typ.Ordered || typ.Padded) {
				t.Errorf("row %q: a cache key type must compare by value, sort, and not pad", typ.Name)
			}
			if typ.NilIsNull && typ.MapKey {
				t.Errorf("row %q: a type whose nil is NULL is a slice, which cannot key a map", typ.Name)
			}
			if (typ.Tenant || typ.Version || typ.Timestamp) && !typ.MapKey {
				t.Errorf("row %q: a tenant, version or timestamp type must compare by value", typ.Name)
			}
			if (typ.Elem != nil) != strings.HasPrefix(typ.Literal.Kind, "range of") {
				t.Errorf("row %q: Elem and a range literal go together", typ.Name)
			}
			if typ.Int != nil && typ.Int.Min >= typ.Int.Max {
				t.Errorf("row %q: empty integer range", typ.Name)
			}
			if typ.Numeric() && !typ.Ordered {
				t.Errorf("row %q: a number type must be ordered", typ.Name)
			}
			// The checks Validate makes: what the text, JSON, numeric,
			// integer and time types cannot hold.
			if typ.Text && (typ.Check != "CheckText" || typ.ArrayCheck != "CheckTexts") {
				t.Errorf("row %q: a text type is checked by CheckText (arrays CheckTexts)", typ.Name)
			}
			if (typ.Int != nil) != (typ.CheckArgs == CheckBits) || (typ.Decimal != (typ.CheckArgs == CheckPrecisionScale)) {
				t.Errorf("row %q: integers take CheckBits and numeric CheckPrecisionScale", typ.Name)
			}
			if typ.Check == "" && (typ.CheckArgs != CheckValue || typ.ArrayCheck != "") {
				t.Errorf("row %q: check arguments or an array check without a check", typ.Name)
			}
			if typ.Timestamp && typ.Check == "" {
				t.Errorf("row %q: a timestamp type has a range to check", typ.Name)
			}
			if typ.Copy && !typ.Unnest {
				t.Errorf("row %q: COPY support without unnest support is not a case CreateMany handles", typ.Name)
			}
			// The Atlas type names the type as Atlas inspects it.
			at := typ.AtlasType(typ.DefaultArgs)
			if at == nil {
				t.Fatalf("row %q: no Atlas type", typ.Name)
			}
			if got := reflect.ValueOf(at).Elem().FieldByName("T").String(); got != typ.AtlasName {
				t.Errorf("row %q: Atlas type %T names %q, want %q", typ.Name, at, got, typ.AtlasName)
			}
			if ut, ok := at.(*postgres.UserDefinedType); ok && typ.Extension == "" {
				t.Errorf("row %q: Atlas models it as the user-defined type %q, but no extension provides it", typ.Name, ut.T)
			}
		})
	}
}

func TestLiterals(t *testing.T) {
	check := func(name, text string, args ...int) (string, error) {
		typ := Lookup(name)
		return typ.CheckLiteral(Value{Text: text, Desc: strconv.Quote(text), Type: name, Args: args})
	}
	good := []struct{ typ, in, want string }{
		{"macaddr", "08:00:2B:01:02:03", "08:00:2b:01:02:03"},
		{"macaddr", "08-00-2b-01-02-03", "08:00:2b:01:02:03"},
		{"macaddr", "08002b:010203", "08:00:2b:01:02:03"},
		{"macaddr", "0800.2b01.0203", "08:00:2b:01:02:03"},
		{"macaddr", "08002B010203", "08:00:2b:01:02:03"},
		{"macaddr8", "08:00:2B:01:02:03:04:05", "08:00:2b:01:02:03:04:05"},
		{"macaddr8", "0800.2b01.0203.0405", "08:00:2b:01:02:03:04:05"},
		{"macaddr8", "08002b:0102030405", "08:00:2b:01:02:03:04:05"},
		{"int4range", "[1,10]", "[1,11)"},
		{"int4range", "(1,10)", "[2,10)"},
		{"int4range", "[,10]", "(,11)"},
		{"int4range", "(, )", "(,)"},
		{"int4range", "[5,5)", "empty"},
		{"int4range", "(4,5)", "empty"},
		{"int4range", "EMPTY", "empty"},
		{"int4range", ` [ "1" , "3" ) `, "[1,3)"},
		{"int8range", "(,9223372036854775806]", "(,9223372036854775807)"},
		{"numrange", "[1.50,2.250]", "[1.5,2.25]"},
		{"numrange", "(1.5,1.5]", "empty"},
		{"numrange", "[1.5,1.5]", "[1.5,1.5]"},
		{"daterange", "[2024-01-01,2024-01-31]", "[2024-01-01,2024-02-01)"},
		{"daterange", "(2024-02-28,infinity]", "[2024-02-29,infinity]"},
		{"daterange", "(-infinity,2024-01-01]", "(-infinity,2024-01-02)"},
		{"tsrange", `["2024-01-01 10:00:00","2024-01-01 12:00:00")`, `["2024-01-01 10:00:00","2024-01-01 12:00:00")`},
		{"tstzrange", "[2024-01-01T00:00:00Z,)", "[2024-01-01T00:00:00Z,)"},
	}
	for _, tc := range good {
		got, err := check(tc.typ, tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s literal %q = %q, %v; want %q", tc.typ, tc.in, got, err, tc.want)
		}
	}
	bad := []struct{ typ, in, want string }{
		{"bit", "10", "has 2 bits; type bit takes exactly 1"},
		{"varbit", "012", "is not a bit string"},
		{"macaddr", "08:00:2b:01:02", "is not a MAC address"},
		{"macaddr", "08:00-2b:01:02:03", "is not a MAC address"},
		{"macaddr8", "08:00:2b:01:02:03", "is not an EUI-64 MAC address"},
		{"macaddr8", "08:00-2b:01:02:03:04:05", "is not an EUI-64 MAC address"},
		{"macaddr8", "08:0:2b:01:02:03:04:05:6", "is not an EUI-64 MAC address"},
		{"hstore", `"a"=>"b"`, "type hstore takes no literal values"},
		{"tsvector", "fat rat", "type tsvector takes no literal values"},
		{"int4range", "1,10", "must start with [ or ("},
		{"int4range", "[1;10)", "no comma between the bounds"},
		{"int4range", "[1,2,3)", "more than two bounds"},
		{"int4range", `["1,3)`, "unbalanced quotes"},
		{"int4range", "[a,10)", `lower bound: expected an integer, got "a"`},
		{"int4range", "[1,2147483648)", "upper bound: 2147483648 is out of range for integer"},
		{"int4range", "[1,2147483647]", "upper bound: 2147483647 has no successor in integer"},
		{"int4range", "[10,1)", "the lower bound must not be greater than the upper bound"},
		{"numrange", "[2,1.5)", "the lower bound must not be greater than the upper bound"},
		{"daterange", "[2024-02-30,)", `lower bound: "2024-02-30" is not a date`},
	}
	for _, tc := range bad {
		got, err := check(tc.typ, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s literal %q = %q, %v; want an error containing %q", tc.typ, tc.in, got, err, tc.want)
		}
	}
}

func TestLiteralSQL(t *testing.T) {
	for _, tc := range []struct{ typ, lit, sqlType, want string }{
		{"boolean", "true", "boolean", "TRUE"},
		{"integer", "-1", "integer", "(-1)"},
		{"numeric", "12.5", "numeric(18,2)", "12.5"},
		{"text", "it's", "text", "'it''s'::text"},
		{"int4range", "[1,11)", "int4range", "'[1,11)'::int4range"},
	} {
		if got := Lookup(tc.typ).LiteralSQL(tc.lit, tc.sqlType); got != tc.want {
			t.Errorf("%s literal %q as SQL = %s, want %s", tc.typ, tc.lit, got, tc.want)
		}
	}
}

func TestWidens(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"smallint", "integer", true}, {"integer", "bigint", true}, {"bigint", "numeric", true},
		{"bigint", "integer", false}, {"numeric", "bigint", false}, {"real", "double precision", true},
		{"double precision", "real", false}, {"integer", "double precision", false}, {"text", "text", true},
	} {
		if got := Widens(Lookup(tc.from), Lookup(tc.to)); got != tc.want {
			t.Errorf("Widens(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestGoTypeString(t *testing.T) {
	if got := Lookup("numrange").Go.String(); got != "pgtype.Range[decimal.Decimal]" {
		t.Errorf("numrange's Go type = %s", got)
	}
	if got := Lookup("macaddr").Go.String(); got != "net.HardwareAddr" {
		t.Errorf("macaddr's Go type = %s", got)
	}
}
