package generator_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/internal/filterop"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// referencePage is docs/types.md, written from the type and filter
// operator tables: the reference cannot drift from what the generator
// does.
func referencePage() []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	code := func(s string) string {
		if s == "" {
			return ""
		}
		return "`" + s + "`"
	}
	codes := func(ss []string) string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = code(s)
		}
		return strings.Join(out, ", ")
	}
	yes := func(ok bool) string {
		if ok {
			return "yes"
		}
		return ""
	}
	p("<!-- Code generated from internal/pgtypes and internal/filterop by go test ./generator -update. DO NOT EDIT. -->\n\n")
	p("# Column types and filter operators\n\n")
	p("The PostgreSQL types a column's or a raw query's `type:` may name, and\n")
	p("the operators of structured queries' `where:`, as cpcgen's tables\n")
	p("(`internal/pgtypes`, `internal/filterop`) define them. Every type also\n")
	p("comes as an array (`text[]`, a Go slice, which holds an array of one\n")
	p("dimension, indexed from 1, without NULL elements: reading a value of\n")
	p("more dimensions, indexed from elsewhere (`[0:1]={a,b}`), or with a NULL\n")
	p("element, is an encoding error); declared enums are types too\n")
	p("(their generated Go string type). See [the spec reference](spec.md).\n\n")
	p("## Types\n\n")
	p("A nullable column's Go type is a pointer, except where nil already\n")
	p("stands for NULL (marked *nil is NULL*). A literal is what a `default:`\n")
	p("or a filter's `value:` may be, checked when the spec loads.\n\n")
	p("| type | what it holds | also written | modifiers | Go type | literal, for example | rules |\n|---|---|---|---|---|---|---|\n")
	mods := map[pgtypes.Mods]string{pgtypes.NoMods: "", pgtypes.Length: "(n)", pgtypes.Precision: "(p)", pgtypes.PrecisionScale: "(p) or (p,s)"}
	for _, t := range pgtypes.All {
		goType := code(t.Go.String())
		if t.NilIsNull {
			goType += ", *nil is NULL*"
		}
		lit := "none: use `{sql: ...}`"
		if t.Example != "" {
			lit = code(t.Example)
		}
		var rules []string
		if t.Text {
			rules = append(rules, "min_length", "max_length", "validate", "pattern", "not_empty")
		}
		if t.Numeric() {
			rules = append(rules, "min", "max")
		}
		p("| %s | %s | %s | %s | %s | %s | %s |\n", code(t.Name), t.Docs, codes(t.Aliases), mods[t.Mods], goType, lit, codes(rules))
	}
	p("\nWhat each type can be used for beyond a plain column: a `tenant:` column,\n")
	p("an `optimistic_lock:` version, a `timestamps:`/`soft_delete:` column, an\n")
	p("`order_by` column of a keyset page, a foreign key the batch loaders key\n")
	p("Go maps by, a column `CreateMany` sends with `COPY` (otherwise it\n")
	p("inserts the rows with one statement); and how its values travel.\n\n")
	p("| type | tenant | version | timestamps | keyset | loader key | COPY | how pgx moves it |\n|---|---|---|---|---|---|---|---|\n")
	for _, t := range pgtypes.All {
		p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", code(t.Name), yes(t.Tenant), yes(t.Version), yes(t.Timestamp),
			yes(t.Keyset), yes(t.MapKey), yes(t.Copy), t.Codec)
	}
	p("\n### Types named by their SQL\n\n")
	p("A column of a type cpcgen does not model (an extension's, such as\n")
	p("PostGIS's `geometry(Point,4326)` or pgvector's `vector(1536)`; a\n")
	p("composite type or a domain an `sql_objects` entry creates; one of\n")
	p("PostgreSQL's own not listed above, such as `xml`, `point` or `timetz`)\n")
	p("names it by its SQL: `type: {sql: \"geometry(Point,4326)\"}` (a name,\n")
	p("optionally `schema.name` or a quoted name, optionally with modifiers;\n")
	p("an array of one named without modifiers or quotes is\n")
	p("`{sql: \"point[]\"}`). Its Go type is `string`\n")
	p("(`runtime.Null[string]` when nullable; `[]string` for an array), the\n")
	p("value's text form: generated SQL reads the column as `col::text` and\n")
	p("writes `$n::text::type`, so pgx needs no codec for it and every write\n")
	p("path (`CreateMany` through `unnest`, batch writes) carries it; the\n")
	p("server checks the value, and a value it refuses is a\n")
	p("`runtime.ErrValidation` error. No literal, rule or filter applies to\n")
	p("it but `is_null`/`not_null` (compare it in a raw query), and it\n")
	p("cannot be a key: no primary key, `unique:` or unique index holds it\n")
	p("(declare such a constraint as an sql object). Indexes of other methods\n")
	p("(`method: gist` over a geometry) are declared as usual. Declare the\n")
	p("extension the type comes from under `extensions:`. `cpcgen import`\n")
	p("names every such column this way. A raw query's parameters and result\n")
	p("columns may be such types too (`params: {at: {type: {sql: point}}}`),\n")
	p("not arrays of them: a parameter is sent as text, and a result column\n")
	p("scans through `runtime.Text`, which takes the text form of what pgx\n")
	p("reads, in binary (`point`, `box`) or as text.\n")
	p("\n## Filter operators\n\n")
	p("| operator | SQL | binds | applies to |\n|---|---|---|---|\n")
	var unordered, noEquality []string
	for _, t := range pgtypes.All {
		if !t.Ordered {
			unordered = append(unordered, code(t.Name))
		}
		if t.NoEquality {
			noEquality = append(noEquality, code(t.Name))
		}
	}
	shapes := map[filterop.Shape]string{filterop.Value: "one value", filterop.Range: "two values, `<param>_from` and `<param>_to`",
		filterop.List: "a list (`[]T`, one array)", filterop.NoValue: "nothing"}
	for _, o := range filterop.All {
		sql := code(o.SQL)
		if o.NullableSQL != "" {
			sql += "; on a nullable column " + code(o.NullableSQL)
		}
		applies := "every type"
		switch {
		case o.Text:
			applies = "text types"
		case o.Ordered:
			applies = "types with an order (not " + strings.Join(unordered, ", ") + ")"
		case o.Equality:
			applies = "types with an equality operator (not " + strings.Join(noEquality, ", ") + ")"
		case o.Nullable:
			applies = "nullable columns"
		}
		p("| %s | %s | %s | %s |\n", code(o.Name), sql, shapes[o.Shape], applies)
	}
	return b.Bytes()
}

// TestTypesReference keeps docs/types.md equal to what the tables say.
// Run `go test ./generator -update` to rewrite it.
func TestTypesReference(t *testing.T) {
	path := filepath.Join("..", "docs", "types.md")
	got := referencePage()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run `go test ./generator -update`", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("docs/types.md is stale (-want +got); run `go test ./generator -update`:\n%s", diff)
	}
}
