package spec

import "testing"

// TestSQLNamedTypes: type: {sql: …} names a type cpcgen does not model,
// in canonical form; what it cannot be (a built-in type, an enum of the
// spec, an array, not a type name, a key, a filter's or a rule's
// operand; ordering by it is left to the server, whose type may or may
// not sort) is an error at its place that says what to write instead.
func TestSQLNamedTypes(t *testing.T) {
	p := mustParse(t, table(`      geo: {type: {sql: "Geometry( Point , 4326 )"}}
      emb: {type: {sql: public.vector(3)}, nullable: true}
      at: {type: {sql: "time(3)  with time zone"}}
      doc: {type: {sql: xml}, nullable: true, comment: a document}
      ship_to: {type: {sql: '"Address"'}, nullable: true}
      stops: {type: {sql: "point []"}, nullable: true}
`, "    indexes:\n      - {columns: [geo], method: gist}\n"))
	cols := p.Tables[0].Columns
	if stops := cols[6]; stops.Type.ArrayDims != 1 || stops.Type.Base.Name != "point" {
		t.Errorf("column stops: type %+v, want an array of point", stops.Type)
	}
	for i, want := range []string{"geometry(Point,4326)", "public.vector(3)", "time(3) with time zone", "xml", `"Address"`, "point"} {
		c := cols[i+1]
		if c.Type.Base == nil || !c.Type.Base.SQLNamed || c.Type.Name != want {
			t.Errorf("column %s: type %+v, want the type named by its SQL %q", c.Name, c.Type, want)
		}
	}
	bad := []struct{ src, want string }{
		{table("      a: {type: {sql: text}}\n"), `schema/a.yaml:5:23: type {sql: "text"}: text is a type cpcgen supports; write type: text`},
		{table("      a: {type: {sql: pg_catalog.int4}}\n"), `type {sql: "pg_catalog.int4"}: int4 is a type cpcgen supports; write type: integer`},
		{table("      a: {type: {sql: \"point[][][][][][][]\"}}\n"), `more than 6 array dimensions`},
		{table("      a: {type: {sql: \"geometry(Point,4326)[]\"}}\n"), `an array of a type with modifiers or a quoted name is not supported`},
		{table("      a: {type: {sql: '\"Address\"[]'}}\n"), `an array of a type with modifiers or a quoted name is not supported`},
		{table("      a: {type: {sql: \"point[]\"}, unique: true}\n"), `column "a" cannot be unique: cpcgen keys rows only by types it models`},
		{table("      a: {type: {sql: \"point[]\"}}\n", "queries:\n  t:\n    - {name: At, where: {a: eq}}\n"), `eq does not apply to column "a" of type {sql: "point"}`},
		{table("      a: {type: {sql: point}}\n", "queries:\n  t:\n    - {name: At, where: {a: lt}}\n"), `lt does not apply to column "a" of type {sql: "point"}`},
		{table("      a: {type: {sql: \"point; DROP TABLE t\"}}\n"), `is not a type name`},
		{table("      a: {type: {sql: \"geometry('x')\"}}\n"), `is not a type name`},
		{table("      a: {type: {sql: bigserial}}\n"), `bigserial is not a type; use type: bigint with identity: true`},
		{table("      a: {type: {sql: \"\"}}\n"), `type sql: must not be empty`},
		{table("      a: {type: {name: point}}\n"), `schema/a.yaml:5:17: type: expected a type name or {sql: "…"}`},
		{"enums:\n  mood: [a, b]\n" + table("      a: {type: {sql: mood}}\n"), `mood is an enum of the spec; write type: mood`},
		{table("      a: {type: {sql: point}, unique: true}\n"), `column "a" cannot be unique: cpcgen keys rows only by types it models, not by {sql: "point"}; declare the constraint as an sql object`},
		{"tables:\n  t:\n    columns:\n      a: {type: {sql: point}, primary_key: true}\n", `primary key column "a" cannot be of this type: cpcgen keys rows only by types it models`},
		{table("      a: {type: {sql: point}}\n", "    indexes:\n      - {columns: [a], unique: true}\n"), `a unique index cannot hold column "a" of type {sql: "point"}`},
		{table("      a: {type: {sql: point}, default: \"(1,2)\"}\n"), `invalid default for column "a"`},
		{table("      a: {type: {sql: point}, min_length: 1}\n"), `min_length`},
		{table("      a: {type: {sql: point}}\n", "queries:\n  t:\n    - {name: At, where: {a: eq}}\n"), `eq does not apply to column "a" of type {sql: "point"}: only is_null and not_null do`},
		{table("", "queries:\n  t:\n    - name: Near\n      sql: SELECT id FROM t WHERE @p IS NOT NULL\n      params: {p: {type: {sql: \"point[]\"}}}\n      columns: {id: bigint}\n"), `parameter "p": a raw query's parameters and columns take no arrays of a type named by its SQL; use text[] and cast in the query`},
		{table("      a: geometry\n"), `unknown type "geometry"; a type cpcgen does not model (an extension's, a composite type) is written type: {sql: "geometry"}`},
		{table("      a: money\n"), `use numeric(p,s), or type: {sql: money} to move its values as text`},
	}
	for _, tc := range bad {
		_, err := parseOne(t, tc.src)
		checkErrors(t, err, tc.want)
	}
}
