package pgtypes

import (
	"strings"
	"testing"
)

// TestSQLNamed: a type named by its SQL is read in PostgreSQL's folding
// (unquoted names in lower case, quoted ones as written), its modifiers
// without spaces; what is not one type name is refused, and so is a
// name of a type the table has a row of.
func TestSQLNamed(t *testing.T) {
	good := []struct{ in, spelling, catalog string }{
		{"geometry(Point,4326)", "geometry(Point,4326)", "geometry"},
		{" Geometry ( Point , 4326 ) ", "geometry(Point,4326)", "geometry"},
		{"public.vector(1536)", "public.vector(1536)", "vector"},
		{"Extensions . VECTOR", "extensions.vector", "vector"},
		{"time(3)  WITH time zone", "time(3) with time zone", "time with time zone"},
		{"timetz", "timetz", "timetz"},
		{`"Address"`, `"Address"`, "Address"},
		{`"My Schema"."Postal Address"`, `"My Schema"."Postal Address"`, "Postal Address"},
		{`public."Address"`, `public."Address"`, "Address"},
		{"pg_catalog.xml", "pg_catalog.xml", "xml"},
	}
	for _, tc := range good {
		typ, err := SQLNamed(tc.in)
		if err != nil {
			t.Errorf("SQLNamed(%q): %v", tc.in, err)
			continue
		}
		if typ.Name != tc.spelling || typ.Catalog != tc.catalog || !typ.SQLNamed || typ.Go.Name != "string" {
			t.Errorf("SQLNamed(%q) = %q (catalog %q), want %q (catalog %q)", tc.in, typ.Name, typ.Catalog, tc.spelling, tc.catalog)
		}
		if got := typ.AtlasType(nil); got == nil {
			t.Errorf("SQLNamed(%q): no Atlas type", tc.in)
		}
	}
	bad := map[string]string{
		"text":                "text is a type cpcgen supports; write type: text",
		"pg_catalog.int8":     "int8 is a type cpcgen supports; write type: bigint",
		"character varying":   "write type: varchar",
		"point[]":             "write the element type alone here",
		"point; DROP TABLE t": "is not a type name",
		`"a"b"`:               "is not a type name",
		`"Address" with zone`: "a quoted name takes no words after it",
		"geometry('Point')":   "is not a type name",
		"geometry(Point":      "is not a type name",
		"serial":              "serial is not a type; use type: integer with identity: true",
		"":                    "is not a type name",
		"a.b.c":               "is not a type name",
		"vector(1)(2)":        "is not a type name",
		"x -- comment":        "is not a type name",
		"x/*":                 "is not a type name",
	}
	for in, want := range bad {
		_, err := SQLNamed(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SQLNamed(%q) = %v, want an error containing %q", in, err, want)
		}
	}
	// An array's elements: plain names only.
	for in, want := range map[string]string{"point": "", "public.version_triple": "", "geometry(Point,4326)": "modifiers or a quoted name", `"Address"`: "modifiers or a quoted name", "text": "write type: text"} {
		_, err := SQLNamedArray(in)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("SQLNamedArray(%q) = %v, want %q", in, err, want)
		}
	}
}
