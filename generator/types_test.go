package generator_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the pgx database/sql driver Atlas inspects through

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/generator/vet"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/internal/filterop"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/spec"
)

// generateProject writes a project with one spec file into root (package
// name in ./out, docs in ./docs), loads and generates it.
func generateProject(t *testing.T, root, name, specYAML string) (*ir.Package, writer.Tree) {
	t.Helper()
	testfile.WriteAll(t, root, map[string]string{
		"cpcgen.yaml":      "version: 1\npackage: {name: " + name + ", dir: ./out}\nspecs: [./schema/*.yaml]\ndocs: {dir: ./docs}\n",
		"schema/spec.yaml": specYAML,
	})
	proj, err := spec.Load(root)
	if err != nil {
		t.Fatalf("load:\n%v\nspec:\n%s", err, specYAML)
	}
	pkg, tree, err := generator.Generate(proj)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return pkg, tree
}

// vetClean checks that vet, preparing every statement of pkg (generated
// in root) on conn, reports nothing.
func vetClean(t *testing.T, ctx context.Context, conn *pgx.Conn, pkg *ir.Package, root string) {
	t.Helper()
	findings, err := vet.Check(ctx, conn, pkg, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("vet: %s: %s: %s", f.Pos, f.Kind, f.Msg)
	}
}

// vetSchema creates the schema ddl (a generated schema.sql) in the test
// database and checks that vet reports nothing there (see vetClean). It
// returns a connection to that database, closed when the test ends.
func vetSchema(t *testing.T, ddl string, pkg *ir.Package, root string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	if _, err := conn.Exec(ctx, ddl); err != nil {
		t.Fatalf("schema.sql: %v\n%s", err, ddl)
	}
	vetClean(t, ctx, conn, pkg, root)
	return conn
}

// schemaSQL returns the schema.sql of a tree generateProject wrote.
func schemaSQL(tree writer.Tree) string {
	for _, f := range tree.Files {
		if f.Path == "out/schema.sql" {
			return string(f.Data)
		}
	}
	return ""
}

// schemaOffers checks that the JSON Schema of spec files offers each of
// names (of a type, an operator: what) to editors.
func schemaOffers(t *testing.T, what string, names []string) {
	t.Helper()
	js := spec.SpecSchema()
	for _, name := range names {
		if !bytes.Contains(js, []byte(strconv.Quote(name))) {
			t.Errorf("the JSON Schema of spec files does not offer %s %q", what, name)
		}
	}
}

// typeColumn is the column name of one row of pgtypes.All in the table
// TestEveryTypeThroughThePipeline builds: v_ a NOT NULL column with the
// row's example as its default, n_ a nullable one, a_ an array.
func typeColumn(prefix string, t *pgtypes.Type) string {
	return prefix + "_" + strings.ReplaceAll(t.Name, " ", "_")
}

// TestEveryTypeThroughThePipeline walks every row of the type table
// through every consumer: one table with a column of each type (plain
// with the row's example literal as default, nullable, array) and a raw
// query declaring each as a result column goes through the spec loader
// (parse, literal validation) and the JSON Schema, the builder (Go type,
// nullability form), the Go, schema and docs emitters, and then a real
// PostgreSQL: schema.sql creates it, the catalog names each column's
// type as the row says, Atlas inspects back exactly the desired schema,
// a row of defaults inserts, and vet, preparing every generated
// statement, finds nothing to report. A row that lacks a fact, or whose
// facts disagree with a consumer, fails here.
func TestEveryTypeThroughThePipeline(t *testing.T) {
	root := t.TempDir()
	var cols, rawCols, selects strings.Builder
	for _, typ := range pgtypes.All {
		v, n, a := typeColumn("v", typ), typeColumn("n", typ), typeColumn("a", typ)
		if typ.Example != "" {
			fmt.Fprintf(&cols, "      %s: {type: %q, default: %s}\n", v, typ.Name, strconv.Quote(typ.Example))
		} else {
			fmt.Fprintf(&cols, "      %s: {type: %q, nullable: true}\n", v, typ.Name)
		}
		fmt.Fprintf(&cols, "      %s: {type: %q, nullable: true}\n", n, typ.Name)
		fmt.Fprintf(&cols, "      %s: {type: %q, nullable: true}\n", a, typ.Name+"[]")
		fmt.Fprintf(&rawCols, "        %s: {type: %q, nullable: true}\n", n, typ.Name)
		fmt.Fprintf(&rawCols, "        %s: {type: %q, nullable: true}\n", a, typ.Name+"[]")
		fmt.Fprintf(&selects, ", %s, %s", n, a)
	}
	specYAML := "tables:\n  every:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" + cols.String() +
		"queries:\n  every:\n    - name: Nullables\n      sql: SELECT " + strings.TrimPrefix(selects.String(), ", ") + " FROM every\n" +
		"      returns: many\n      columns:\n" + rawCols.String()
	// The JSON Schema offers every name to editors.
	schemaOffers(t, "type", pgtypes.Names())

	// The spec loader (names, modifiers, example literals), the builder
	// and the emitters.
	pkg, tree := generateProject(t, root, "everydb", specYAML)
	table := pkg.Table("every")
	files := map[string]string{}
	for _, f := range tree.Files {
		files[f.Path] = string(f.Data)
	}
	goCode, docsPage, ddl := files["out/every.gen.go"], files["docs/everydb.md"], files["out/schema.sql"]
	if goCode == "" || docsPage == "" || ddl == "" {
		t.Fatalf("the tree lacks the table's Go file, the docs page or schema.sql: %v", tree.Files)
	}
	atlas := sqlschema.AtlasSchema(pkg)
	atlasTable, ok := atlas.Table("every")
	if !ok {
		t.Fatal("no table every in the Atlas schema")
	}
	for _, typ := range pgtypes.All {
		v, n, a := table.Column(typeColumn("v", typ)), table.Column(typeColumn("n", typ)), table.Column(typeColumn("a", typ))
		for _, c := range []*ir.Column{v, n, a} {
			if c.Type.Base != typ || c.Type.Name != typ.Name {
				t.Errorf("column %s: IR type %s has row %v, want %q", c.SQLName, c.Type, c.Type.Base, typ.Name)
			}
		}
		// The Go type and its nullable form.
		nullable := ir.GoTypeOf(typ)
		nullable.Ptr = !typ.NilIsNull && typ.NullPtr
		nullable.Null = !typ.NilIsNull && !typ.NullPtr
		plain := ir.GoTypeOf(typ)
		if typ.Example == "" {
			plain = nullable
		}
		slice := ir.GoTypeOf(typ)
		slice.Slice = true
		for _, want := range []struct {
			c      *ir.Column
			goType ir.GoType
		}{{v, plain}, {n, nullable}, {a, slice}} {
			if want.c.Go != want.goType {
				t.Errorf("column %s: Go type %s, want %s", want.c.SQLName, want.c.Go, want.goType)
			}
			if !strings.Contains(goCode, want.c.Field+" ") || !strings.Contains(goCode, want.goType.String()) {
				t.Errorf("column %s: the Go code has no field %s of type %s", want.c.SQLName, want.c.Field, want.goType)
			}
		}
		// The Atlas type: the row's, never a stand-in.
		ac, ok := atlasTable.Column(v.SQLName)
		if !ok {
			t.Fatalf("no column %s in the Atlas schema", v.SQLName)
		}
		if _, unsupported := ac.Type.Type.(*schema.UnsupportedType); unsupported {
			t.Errorf("column %s: Atlas type unsupported", v.SQLName)
		}
		if got, err := postgres.FormatType(ac.Type.Type); err != nil || got == "" {
			t.Errorf("column %s: Atlas cannot format its type %T: %v", v.SQLName, ac.Type.Type, err)
		}
		// The docs page names the type.
		if !strings.Contains(docsPage, "`"+v.Type.String()+"`") {
			t.Errorf("the docs page does not name the type of column %s (`%s`)", v.SQLName, v.Type)
		}
		if typ.Extension != "" && !strings.Contains(ddl, "CREATE EXTENSION IF NOT EXISTS "+typ.Extension) {
			t.Errorf("schema.sql does not create the extension %s of type %s", typ.Extension, typ.Name)
		}
	}

	// PostgreSQL: schema.sql creates the table with the row's types.
	ctx := context.Background()
	url := pgtest.URL(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, ddl); err != nil {
		t.Fatalf("schema.sql: %v\n%s", err, ddl)
	}
	for _, typ := range pgtypes.All {
		for col, want := range map[string]string{typeColumn("v", typ): typ.Catalog, typeColumn("a", typ): "_" + typ.Catalog} {
			var got string
			err := conn.QueryRow(ctx, `SELECT t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = 'every'::regclass AND a.attname = $1`, col).Scan(&got)
			if err != nil || got != want {
				t.Errorf("column %s: the catalog says type %q (%v), row %q says %q", col, got, err, typ.Name, want)
			}
		}
	}
	if _, err := conn.Exec(ctx, "INSERT INTO every DEFAULT VALUES"); err != nil {
		t.Errorf("a row of defaults: %v", err)
	}
	// Atlas inspects back exactly the desired schema.
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	drv, err := postgres.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	got, err := drv.InspectSchema(ctx, "public", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Atlas normalizes the desired schema in a clean database of its own.
	dev, err := sql.Open("pgx", pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	for _, typ := range pgtypes.All {
		if typ.Extension == "" {
			continue
		}
		if _, err := dev.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS "+typ.Extension); err != nil {
			t.Fatal(err)
		}
	}
	devDrv, err := postgres.Open(dev)
	if err != nil {
		t.Fatal(err)
	}
	want, err := devDrv.(*postgres.Driver).NormalizeSchema(ctx, sqlschema.AtlasSchema(pkg))
	if err != nil {
		t.Fatalf("normalize: %v", err)
	}
	want.Name = got.Name
	for _, pair := range [][2]*schema.Schema{{got, want}, {want, got}} {
		changes, err := drv.SchemaDiff(pair[0], pair[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			if m, ok := c.(*schema.ModifyTable); ok {
				for _, tc := range m.Changes {
					if mc, ok := tc.(*schema.ModifyColumn); ok {
						t.Errorf("column %s inspects as %T, desired %T", mc.To.Name, mc.From.Type.Type, mc.To.Type.Type)
						continue
					}
					t.Errorf("table every differs from the spec: %T", tc)
				}
				continue
			}
			t.Errorf("database differs from the spec: %T", c)
		}
	}
	// vet prepares every statement, the raw query included, and compares
	// the server's types with the rows'.
	vetClean(t, ctx, conn, pkg, root)
}

// TestEveryTypeHasAGolden checks that every row of the type table is a
// column of a golden case whose tests round-trip values through
// PostgreSQL (testdata/golden/types and types_more): Create, Find and
// CreateMany (COPY) of real values, which no generic test can write.
func TestEveryTypeHasAGolden(t *testing.T) {
	covered := map[*pgtypes.Type]bool{}
	for _, dir := range []string{"types", "types_more"} {
		proj, err := spec.Load(filepath.Join("..", "testdata", "golden", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range proj.Tables {
			for _, c := range tb.Columns {
				if c.Type.ArrayDims == 0 && c.Type.Base != nil {
					covered[c.Type.Base] = true
				}
			}
		}
	}
	for _, typ := range pgtypes.All {
		if !covered[typ] {
			t.Errorf("type %s is a column of no golden case with a round-trip test; add one to testdata/golden/types_more", typ.Name)
		}
	}
}

// TestEveryFilterOpThroughThePipeline walks every row of the filter
// operator table through every consumer: a structured query per operator
// and form (a parameter, an optional parameter, a fixed value, on a
// nullable column where the operator's SQL differs there) goes through
// the spec loader and the JSON Schema, the builder's statements and the
// docs page, and vet prepares every statement on PostgreSQL.
func TestEveryFilterOpThroughThePipeline(t *testing.T) {
	root := t.TempDir()
	var queries strings.Builder
	type form struct {
		query, column string
		optional      bool
	}
	var forms []form
	for _, op := range filterop.All {
		col, value := "qty", "5"
		switch {
		case op.Text:
			col, value = "name", `"x%"`
		case op.Nullable:
			col = "note"
		}
		if op.Shape == filterop.List {
			value = "[1, 2]"
		}
		add := func(suffix, col, extra string) {
			name := names.GoName(op.Name) + suffix
			fmt.Fprintf(&queries, "    - {name: %s, where: {%s: {op: %s%s}}}\n", name, col, op.Name, extra)
			forms = append(forms, form{name, col, suffix == "Optional"})
		}
		add("Param", col, "")
		if op.Shape != filterop.NoValue {
			add("Optional", col, ", optional: true")
		}
		if op.Shape == filterop.Value || op.Shape == filterop.List {
			add("Value", col, ", value: "+value)
		}
		if op.NullableSQL != "" {
			add("OnNullable", "score", "")
		}
	}
	specYAML := "tables:\n  things:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
		"      name: {type: text}\n      note: {type: text, nullable: true}\n      qty: {type: integer}\n" +
		"      score: {type: integer, nullable: true}\n" +
		"queries:\n  things:\n" + queries.String()
	schemaOffers(t, "operator", filterop.Names())
	pkg, tree := generateProject(t, root, "thingsdb", specYAML)
	var docsPage, ddl string
	for _, f := range tree.Files {
		switch f.Path {
		case "docs/thingsdb.md":
			docsPage = string(f.Data)
		case "out/schema.sql":
			ddl = string(f.Data)
		}
	}
	table := pkg.Table("things")
	byName := map[string]*ir.Query{}
	for _, q := range table.Queries {
		byName[q.Name] = q
	}
	for _, fm := range forms {
		q := byName[fm.query]
		if q == nil || len(q.Where) != 1 {
			t.Errorf("query %s: not built", fm.query)
			continue
		}
		written := filterop.Lookup(q.Where[0].Op)
		if !strings.Contains(docsPage, "`"+fm.column+"` "+written.Docs) {
			t.Errorf("the docs page does not write the filter of query %s as `%s` %s", fm.query, fm.column, written.Docs)
		}
		op := written
		if fm.optional && op.Shape == filterop.Range {
			// Each bound of an optional between is a filter of its own.
			op = filterop.Lookup("gte")
		}
		c := table.Column(fm.column)
		want := c.Quoted + " " + op.SQLFor(c.Nullable)
		found := false
		for _, v := range q.Variants {
			found = found || strings.Contains(v.Main.SQL, want)
		}
		if !found {
			t.Errorf("query %s: no statement holds %s", fm.query, want)
		}
	}
	vetSchema(t, ddl, pkg, root)
}

// TestStringColumnDefaultOfAnotherType generates a table whose string
// columns default to values of other types, as Zitadel's
// eventstore.fields keys a text id by gen_random_uuid(): an INSERT
// converts such a default by assignment, but Create's COALESCE of the
// field and the default, which PostgreSQL resolves by implicit casts
// only, failed to prepare (COALESCE types text and uuid cannot be
// matched). vet prepares every statement cleanly.
func TestStringColumnDefaultOfAnotherType(t *testing.T) {
	root := t.TempDir()
	pkg, tree := generateProject(t, root, "fieldsdb", `tables:
  fields:
    columns:
      id: {type: text, primary_key: true, default: gen_random_uuid()}
      code: {type: varchar(40), default: {sql: "now()"}}
      label: {type: text, default: "'x'"}
`)
	vetSchema(t, schemaSQL(tree), pkg, root)
}

// TestNumberColumnDefaultOfFloatType generates a table whose bigint and
// numeric columns default to double precision expressions: Create's
// COALESCE of the field and the default took the type double precision,
// so a value set past 2^53, or with more digits than a double holds,
// came back rounded. Each statement inserting a row keeps the value
// exact, and an unset field still takes the default.
func TestNumberColumnDefaultOfFloatType(t *testing.T) {
	root := t.TempDir()
	pkg, tree := generateProject(t, root, "ticketsdb", `tables:
  tickets:
    columns:
      id: {type: bigint, primary_key: true, default: {sql: "floor(random() * 1000) + 1"}}
      price: {type: "numeric(30,10)", default: {sql: "random() * 0 + 2.5"}}
`)
	ctx := context.Background()
	conn := vetSchema(t, schemaSQL(tree), pkg, root)
	const id, price = "9007199254740993", "12345678901234567890.0123456789"
	ran := 0
	for _, s := range pkg.Statements() {
		var set, unset []any
		switch s.Name {
		case "tickets.Create":
			set, unset = []any{id, price}, []any{nil, nil}
		case "tickets.CreateManyReturning":
			set, unset = []any{[]any{id}, []any{price}}, []any{[]any{nil}, []any{nil}}
		default:
			continue
		}
		ran++
		if _, err := conn.Exec(ctx, "DELETE FROM tickets"); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, s.SQL, set...); err != nil {
			t.Fatalf("%s: %v", s.SQL, err)
		}
		if _, err := conn.Exec(ctx, s.SQL, unset...); err != nil {
			t.Fatalf("%s with unset fields: %v", s.SQL, err)
		}
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM tickets WHERE id::text = $1 AND price::text = $2", id, price).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s: %d rows with id %s and price %s, %v", s.Name, n, id, price, err)
		}
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM tickets WHERE id BETWEEN 1 AND 1000 AND price = 2.5").Scan(&n); err != nil || n != 1 {
			t.Errorf("%s: %d rows left to the defaults, %v", s.Name, n, err)
		}
	}
	if ran != 2 {
		t.Errorf("ran %d statements, want Create and CreateManyReturning", ran)
	}
}

// TestCreateManyManyDefaults: a table with more columns with defaults
// than COPY's grouping takes (Zabbix's config has 115) was noted as
// without CreateMany, yet CreateMany was written with an empty
// statement in a variable named op, and two such tables did not
// compile (op redeclared). It inserts with INSERT … SELECT FROM unnest,
// each unset field taking its column's default.
func TestCreateManyManyDefaults(t *testing.T) {
	root := t.TempDir()
	var cols strings.Builder
	for i := 1; i <= 70; i++ {
		fmt.Fprintf(&cols, "      c%d: {type: integer, default: %d}\n", i, i)
	}
	specYAML := "tables:\n  wides:\n    columns:\n      id: {type: bigint, primary_key: true}\n" + cols.String() +
		"  others:\n    columns:\n      id: {type: bigint, primary_key: true}\n" + cols.String()
	pkg, tree := generateProject(t, root, "widedb", specYAML)
	for _, f := range tree.Files {
		if strings.Contains(string(f.Data), "var op = ") {
			t.Errorf("%s declares op, an Op without a statement", f.Path)
		}
	}
	conn := vetSchema(t, schemaSQL(tree), pkg, root)
	ran := false
	for _, s := range pkg.Statements() {
		if s.Name != "wides.CreateMany" {
			continue
		}
		ran = true
		args := []any{[]any{int64(7)}}
		for i := 1; i <= 70; i++ {
			args = append(args, []any{nil})
		}
		if _, err := conn.Exec(context.Background(), s.SQL, args...); err != nil {
			t.Fatalf("%s: %v", s.SQL, err)
		}
		var c70 int
		if err := conn.QueryRow(context.Background(), "SELECT c70 FROM wides WHERE id = 7").Scan(&c70); err != nil || c70 != 70 {
			t.Errorf("c70 = %d, %v; want its default 70", c70, err)
		}
	}
	if !ran {
		t.Error("no statement wides.CreateMany")
	}
}
