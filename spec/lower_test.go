package spec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseType(t *testing.T) {
	enums := map[string]*Enum{"currency": {Name: "currency"}}
	tests := []struct {
		in   string
		want string // Type.String()
		enum bool
	}{
		{"uuid", "uuid", false},
		{"TEXT", "text", false},
		{"int", "integer", false},
		{"int4", "integer", false},
		{"integer", "integer", false},
		{"int2", "smallint", false},
		{"int8", "bigint", false},
		{"bool", "boolean", false},
		{"float4", "real", false},
		{"float8", "double precision", false},
		{"double  precision", "double precision", false},
		{"float(10)", "real", false},
		{"float(40)", "double precision", false},
		{"decimal(10,2)", "numeric(10,2)", false},
		{"numeric", "numeric", false},
		{"numeric(5)", "numeric(5)", false},
		{"numeric( 18 , 2 )", "numeric(18,2)", false},
		{"varchar(64)", "varchar(64)", false},
		{"character varying(20)", "varchar(20)", false},
		{"varchar", "varchar", false},
		{"char", "char(1)", false},
		{"character(3)", "char(3)", false},
		{"timestamp with time zone", "timestamptz", false},
		{"timestamp(3) with time zone", "timestamptz(3)", false},
		{"timestamp without time zone", "timestamp", false},
		{"time without time zone", "time", false},
		{"timestamptz(6)", "timestamptz(6)", false},
		{"interval(0)", "interval(0)", false},
		{"text[]", "text[]", false},
		{"int[][]", "integer[][]", false},
		{"varchar(10) []", "varchar(10)[]", false},
		{"jsonb", "jsonb", false},
		{"citext", "citext", false},
		{"currency", "currency", true},
		{"Currency[]", "currency[]", true},
	}
	for _, tc := range tests {
		typ, err := parseType(tc.in, enums)
		if err != nil {
			t.Errorf("parseType(%q): %v", tc.in, err)
			continue
		}
		if typ.String() != tc.want || (typ.Enum != nil) != tc.enum {
			t.Errorf("parseType(%q) = %s (enum %v), want %s", tc.in, typ, typ.Enum != nil, tc.want)
		}
	}
	bad := map[string]string{
		"":                  "type is empty",
		"strng":             `unknown type "strng"; did you mean "text"?`,
		"string":            `unknown type "string"; did you mean "text"?`,
		"datetime":          `unknown type "datetime"; did you mean "timestamptz"?`,
		"qwertyuiop":        `unknown type "qwertyuiop"`,
		"intger":            `unknown type "intger"; did you mean "integer"?`,
		"currancy":          `unknown type "currancy"; did you mean "currency"?`,
		"serial8":           `type "serial8" is not supported; use type: bigint with identity: true`,
		"smallserial":       `type "smallserial" is not supported; use type: smallint with identity: true`,
		"varchar(a)":        `type "varchar(a)": modifier "a" is not a whole number`,
		"varchar(1,2)":      `type "varchar(1,2)": varchar takes one length`,
		"varchar(10485761)": `length must be between 1 and 10485760`,
		"numeric(0)":        `precision must be between 1 and 1000`,
		"numeric(1,2,3)":    `numeric takes a precision and an optional scale`,
		"time(9)":           `precision must be between 0 and 6`,
		"uuid(1)":           `type "uuid(1)": uuid takes no modifiers`,
		"currency(2)":       `enum type "currency" takes no modifiers`,
		"varchar(5":         `unbalanced parentheses`,
		"money":             `type "money" is not supported; use numeric(p,s)`,
		"timetz":            `type "timetz" is not supported`,
		"float(60)":         `float(p) takes one precision between 1 and 53`,
		"int[][][][][][][]": `more than 6 array dimensions`,
	}
	for in, want := range bad {
		_, err := parseType(in, enums)
		if err == nil {
			t.Errorf("parseType(%q) succeeded, want %q", in, want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("parseType(%q) = %q, want %q", in, err, want)
		}
	}
}

func TestLiteral(t *testing.T) {
	stage := &Enum{Name: "stage", Values: []EnumValue{{Name: "lead"}, {Name: "won"}}}
	ty := func(s string) Type {
		typ, err := parseType(s, map[string]*Enum{"stage": stage})
		if err != nil {
			t.Fatal(err)
		}
		return typ
	}
	good := []struct{ typ, yaml, want string }{
		{"boolean", "true", "true"},
		{"boolean", "False", "false"},
		{"smallint", "32767", "32767"},
		{"smallint", "-32768", "-32768"},
		{"integer", "0x1F", "31"},
		{"integer", "'42'", "42"},
		{"bigint", "9223372036854775807", "9223372036854775807"},
		{"numeric", "12.50", "12.5"},
		{"numeric", "1e3", "1000"},
		{"numeric", "-0.0", "0"},
		{"numeric(5,2)", "999.99", "999.99"},
		{"numeric(3)", "-123", "-123"},
		{"real", "1.5", "1.5"},
		{"double precision", ".inf", "Infinity"},
		{"double precision", "-.inf", "-Infinity"},
		{"double precision", ".nan", "NaN"},
		{"double precision", "1e300", "1e+300"},
		{"text", "hello world", "hello world"},
		{"text", "5", "5"},
		{"varchar(5)", "héllo", "héllo"},
		{"char(2)", "ab", "ab"},
		{"citext", "Mixed", "Mixed"},
		{"uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"uuid", "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"date", "2024-02-29", "2024-02-29"},
		{"date", "infinity", "infinity"},
		{"time", "'23:59:59.123456'", "23:59:59.123456"},
		{"time", "'08:30'", "08:30"},
		{"time", "'24:00:00'", "24:00:00"},
		{"timestamp", "'2024-01-01 12:00:00'", "2024-01-01 12:00:00"},
		{"timestamptz", "2024-01-01T12:00:00Z", "2024-01-01T12:00:00Z"},
		{"timestamptz", "'2024-01-01 12:00:00.5+02'", "2024-01-01 12:00:00.5+02"},
		{"timestamptz", "'2024-01-01 12:00:00-05:30'", "2024-01-01 12:00:00-05:30"},
		{"interval", "1 day", "1 day"},
		{"inet", "192.168.0.1", "192.168.0.1"},
		{"inet", "10.0.0.0/8", "10.0.0.0/8"},
		{"inet", "::1", "::1"},
		{"cidr", "10.0.0.0/8", "10.0.0.0/8"},
		{"bytea", `'\xDEADbeef'`, `\xDEADbeef`},
		{"bytea", `'\x'`, `\x`},
		{"jsonb", "{}", "{}"},
		{"jsonb", "[]", "[]"},
		{"jsonb", "{b: 1, a: [x, true, null, 1.50, 0x10]}", `{"b":1,"a":["x",true,null,1.5,16]}`},
		{"json", `'{"a": 1}'`, `{"a":1}`},
		{"json", "'\"<&>\"'", `"<&>"`},
		{"jsonb", "{html: '<b>'}", `{"html":"<b>"}`},
		{"jsonb", "5", "5"},
		{"text[]", "[]", "{}"},
		{"text[]", "[a, 'b c', '', 'NULL', null, 'q\"\\\\']", `{a,"b c","",` + `"NULL",NULL,"q\"\\\\"}`},
		{"int[]", "[1, 2, 3]", "{1,2,3}"},
		{"int[][]", "[[1, 2], [3, 4]]", "{{1,2},{3,4}}"},
		{"int[][]", "[]", "{}"},
		{"jsonb[]", "[{a: 1}, [2]]", `{"{\"a\":1}","[2]"}`},
		{"stage", "won", "won"},
		{"stage[]", "[lead, won]", "{lead,won}"},
	}
	for _, tc := range good {
		got, err := literal(testNode(t, tc.yaml), ty(tc.typ))
		if err != nil {
			t.Errorf("literal(%s, %s): %v", tc.yaml, tc.typ, err)
			continue
		}
		if got != tc.want {
			t.Errorf("literal(%s, %s) = %s, want %s", tc.yaml, tc.typ, got, tc.want)
		}
	}
	bad := []struct{ typ, yaml, want string }{
		{"boolean", "yes", `expected true or false, got string "yes"`},
		{"smallint", "32768", "32768 is out of range for smallint (-32768 to 32767)"},
		{"integer", "2147483648", "out of range for integer"},
		{"bigint", "9223372036854775808", "out of range for bigint"},
		{"integer", "1.5", `expected an integer, got number 1.5`},
		{"numeric", "abc", `"abc" is not a number`},
		{"numeric", "1e5000", "exponent out of range"},
		{"numeric", ".nan", `".nan" is not a number`},
		{"numeric(4,2)", "123", "123 does not fit numeric(4,2): at most 2 digits before the decimal point"},
		{"numeric(4,2)", "1.005", "1.005 does not fit numeric(4,2): at most 2 digits after the decimal point"},
		{"real", "1e39", "1e39 is out of range for real"},
		{"real", "x", `"x" is not a number`},
		{"char(2)", "abc", `"abc" is 3 characters, longer than char(2) allows`},
		{"text", "{a: 1}", "expected a text value, got a mapping"},
		{"text", "[a]", "expected a text value, got a sequence"},
		{"uuid", "123", `"123" is not a UUID`},
		{"date", "2024-13-01", "is not a date"},
		{"date", "'01/02/2024'", "is not a date"},
		{"time", "'25:00'", "is not a time"},
		{"time", "'24:00:01'", "is not a time"},
		{"timestamp", "2024-01-01", "is not a timestamp"},
		{"timestamptz", "'2024-01-01 12:00:00+25'", "is not a timestamp"},
		{"interval", "''", "an interval must not be empty"},
		{"inet", "1.2.3", "is not an IP address or network"},
		{"cidr", "10.0.0.1/8", `has bits set to the right of the mask; use "10.0.0.0/8"`},
		{"cidr", "x/8", "is not a network"},
		{"bytea", `'\xABC'`, "is not bytea hex text"},
		{"json", "'{a: 1}'", "is not valid JSON"},
		{"jsonb", "{a: .inf}", `".inf" is not a JSON number`},
		{"int[]", "[1, x]", `element 2: expected an integer, got string "x"`},
		{"int[][]", "[[1, 2], [3]]", "element 2: sub-arrays must all have the same length"},
		{"int[][]", "[1]", "element 1: expected a sequence for type integer[], got number 1"},
		{"int[]", "'{1,2}'", `expected a sequence for type integer[], got string "{1,2}"`},
		{"stage", "wonn", `"wonn" is not a value of enum "stage"; did you mean "won"?`},
		{"text", "null", "null is not a value here"},
	}
	for _, tc := range bad {
		_, err := literal(testNode(t, tc.yaml), ty(tc.typ))
		if err == nil {
			t.Errorf("literal(%s, %s) succeeded, want %q", tc.yaml, tc.typ, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("literal(%s, %s) = %q, want %q", tc.yaml, tc.typ, err, tc.want)
		}
	}
}

func TestDefaultKinds(t *testing.T) {
	p := mustParse(t, table(`      a: {type: uuid, default: gen_random_uuid()}
      b: {type: timestamptz, default: now()}
      c: {type: timestamptz, default: CURRENT_TIMESTAMP}
      d: {type: date, default: current_date}
      e: {type: text, default: 'now()'}
      f: {type: text, default: "current_user"}
      g: {type: text, default: current_user}
      h: {type: bigint, default: {sql: "nextval('s')"}}
      i: {type: jsonb, default: {a: 1}}
      j: {type: jsonb, default: {sql: "'{}'::jsonb"}}
      k: {type: text, default: public.make_code(3)}
      l: {type: "text[]", default: [x]}
`))
	type kv struct {
		kind DefaultKind
		text string
	}
	want := map[string]kv{
		"a": {DefaultExpr, "gen_random_uuid()"}, "b": {DefaultExpr, "now()"},
		"c": {DefaultExpr, "CURRENT_TIMESTAMP"}, "d": {DefaultExpr, "current_date"},
		"e": {DefaultLiteral, "now()"}, "f": {DefaultLiteral, "current_user"},
		"g": {DefaultExpr, "current_user"}, "h": {DefaultExpr, "nextval('s')"},
		"i": {DefaultLiteral, `{"a":1}`}, "j": {DefaultExpr, "'{}'::jsonb"},
		"k": {DefaultExpr, "public.make_code(3)"}, "l": {DefaultLiteral, "{x}"},
	}
	for name, w := range want {
		d := p.Table("t").Column(name).Default
		got := kv{d.Kind, d.Literal}
		if d.Kind == DefaultExpr {
			got.text = d.Expr
		}
		if got != w {
			t.Errorf("default of %s = %+v, want %+v", name, got, w)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	// Names with capitals are valid (kept as written, quoted in SQL);
	// fixIdent still spells them in snake_case for the names it fixes.
	for in, want := range map[string]string{"userID": "user_id", "UserAccount": "user_account", "HTTPServer": "http_server"} {
		if got := fixIdent(in); got != want {
			t.Errorf("fixIdent(%q) = %q, want %q", in, got, want)
		}
	}
	fixes := map[string]string{
		"Order Items":           "order_items",
		"user-ID":               "user_id",
		"2fa":                   "_2fa",
		"a-b":                   "a_b",
		"é":                     "x",
		strings.Repeat("a", 70): strings.Repeat("a", 63),
	}
	for in, want := range fixes {
		if got := fixIdent(in); got != want {
			t.Errorf("fixIdent(%q) = %q, want %q", in, got, want)
		}
		var errs ErrorList
		if checkIdent(&errs, Pos{}, "table", in) {
			t.Errorf("checkIdent(%q) accepted it", in)
		}
		if !checkIdent(&errs, Pos{}, "table", fixIdent(in)) {
			t.Errorf("fixIdent(%q) = %q is not valid: %v", in, fixIdent(in), errs)
		}
	}
	for _, ok := range []string{"users", "_x", "select", "order", "a1_b2", strings.Repeat("a", 63), "User", "createdAt", "HTTPServer"} {
		var errs ErrorList
		if !checkIdent(&errs, Pos{}, "table", ok) {
			t.Errorf("checkIdent(%q): %v", ok, errs)
		}
	}
	for in, want := range map[string]string{"forUser": "ForUser", "for_user": "ForUser", "1st": "Q1st", "": "Query"} {
		if got := goExportedName(in); got != want {
			t.Errorf("goExportedName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"columns", "comment", "email", "id", "user_id"}
	for in, want := range map[string]string{
		"colums": "columns", "coment": "comment", "emial": "email", "Email": "email",
		"usr_id": "user_id", "ix": "id", "xyz": "", "identifier": "",
	} {
		if got := suggest(in, cands); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := didYouMean("colums", cands); got != `; did you mean "columns"?` {
		t.Errorf("didYouMean = %q", got)
	}
}

func TestYAMLLimits(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	_, err := parseOne(t, "enums:\n  e: [x]\nx-bomb:\n"+indent(bomb.String()))
	checkErrors(t, err, "aliases expand to more than 100000 YAML nodes; simplify the document")
	if n := len(err.(ErrorList)); n > 2 {
		t.Errorf("alias bomb gave %d errors:\n%v", n, err)
	}

	deep := "enums: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"
	_, err = parseOne(t, deep)
	checkErrors(t, err, "values are nested more than 64 levels deep")

	big := make([]byte, MaxFileSize+1)
	for i := range big {
		big[i] = ' '
	}
	_, err = parseOne(t, string(big))
	checkErrors(t, err, "schema/a.yaml:1:1: file is larger than the limit of 8388608 bytes (8 MiB)")

	_, err = parseOne(t, "enums:\n  e: *nope\n")
	checkErrors(t, err, `invalid YAML: unknown anchor 'nope' referenced`)

	_, err = parseOne(t, "enums:\n  ? [a]\n  : [b]\n")
	checkErrors(t, err, "mapping keys must be plain names, got a sequence")
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ") + "\n"
}

func TestMergeKeysAndAliases(t *testing.T) {
	p := mustParse(t, `tables:
  a:
    columns:
      id: &pk {type: uuid, primary_key: true, default: gen_random_uuid()}
      stamp: &ts {type: timestamptz, default: now()}
  b:
    columns:
      id: *pk
      made: {<<: *ts, nullable: true, default: {sql: "now() - interval '1 day'"}}
`)
	made := p.Table("b").Column("made")
	if !made.Nullable || made.Default.Expr != "now() - interval '1 day'" || made.Type.Name != "timestamptz" {
		t.Errorf("merged column = %+v", made)
	}
	if id := p.Table("b").Column("id"); !id.PrimaryKey || id.Default.Pos.Line != 4 {
		t.Errorf("aliased column = %+v", id)
	}
}

func TestEmptyFiles(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "~\n", "---\n", "enums:\ntables:\nqueries:\n"} {
		p, err := parseOne(t, src)
		if err != nil {
			t.Errorf("parse %q: %v", src, err)
			continue
		}
		if diff := cmp.Diff([]string{"schema/a.yaml"}, p.Files, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
	}
}
