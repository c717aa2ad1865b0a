package spec

import "testing"

// TestCollation: collation: names a collation of a text column (quoted in
// DDL, so names with dots and dashes are taken as written); a name that
// is not one, and a column of another type, are errors at their place.
func TestCollation(t *testing.T) {
	p := mustParse(t, table(`      email: {type: text, collation: und-x-icu}
      code: {type: "varchar(10)[]", collation: en_US.utf8, nullable: true}
      plain: {type: "char(2)", collation: "C"}
`))
	for i, want := range []string{"und-x-icu", "en_US.utf8", "C"} {
		if c := p.Tables[0].Columns[i+1]; c.Collation != want {
			t.Errorf("column %s: collation %q, want %q", c.Name, c.Collation, want)
		}
	}
	bad := []struct{ src, want string }{
		{table(`      a: {type: text, collation: "C numeric"}` + "\n"), `schema/a.yaml:5:34: collation "C numeric" is not a collation name`},
		{table(`      a: {type: text, collation: "x\"; DROP TABLE t; --"}` + "\n"), `is not a collation name`},
		{table(`      a: {type: integer, collation: "C"}` + "\n"), `schema/a.yaml:5:26: column "a": collation applies to text columns (text, varchar, char, citext and arrays of them), not integer`},
		{table(`      a: {type: text, collation: ""}` + "\n"), `collation: must not be empty`},
	}
	for _, tc := range bad {
		_, err := parseOne(t, tc.src)
		checkErrors(t, err, tc.want)
	}
}
