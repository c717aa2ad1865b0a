package migration_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/internal/atlasdb"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// testDB is a fresh database with a pool for the runner and the Atlas
// engine for inspection, opened as cpcgen opens it (atlasdb).
type testDB struct {
	pool *pgxpool.Pool
	sql  *sql.DB
	adb  *atlasdb.DB
	drv  migrate.Driver
	// preexisting are the objects assertObjects ignores.
	preexisting map[string]bool
}

func openDB(t *testing.T) *testDB {
	t.Helper()
	url := pgtest.URL(t)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	adb, err := atlasdb.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { adb.Close() })
	drv, err := postgres.Open(adb.DB)
	if err != nil {
		t.Fatal(err)
	}
	return &testDB{pool: pool, sql: adb.DB, adb: adb, drv: drv}
}

// inspect returns the public schema without the runner's tables.
func (db *testDB) inspect(t *testing.T) *schema.Schema {
	t.Helper()
	s, err := db.adb.InspectSchema(context.Background(), "public")
	if err != nil {
		t.Fatal(err)
	}
	if err := migration.InspectSetColumns(context.Background(), db.sql, "public", s); err != nil {
		t.Fatal(err)
	}
	var keep []*schema.Table
	for _, tb := range s.Tables {
		if !strings.HasPrefix(tb.Name, "cpcgen_migrations") {
			keep = append(keep, tb)
		}
	}
	s.Tables = keep
	return s
}

// normalize returns the package's schema as PostgreSQL spells it:
// Atlas applies it to a scratch schema of a clean database and inspects
// it back, the way Atlas's dev database normalizes desired states.
func normalize(t *testing.T, pkg *ir.Package) *schema.Schema {
	t.Helper()
	return normalizeSchema(t, sqlschema.AtlasSchema(pkg), pkg.Extensions, pkg.Objects)
}

// normalizeSchema returns a schema as PostgreSQL spells it, on a
// database with the given extensions and the objects tables may use
// (Early: the types and domains of columns named by their SQL).
func normalizeSchema(t *testing.T, s *schema.Schema, exts []*ir.Extension, objs []*ir.Object) *schema.Schema {
	t.Helper()
	dev := openDB(t)
	for _, e := range exts {
		if _, err := dev.pool.Exec(context.Background(), e.Create()); err != nil {
			t.Fatalf("normalize: %v", err)
		}
	}
	for _, o := range objs {
		if !o.Early {
			continue
		}
		if _, err := dev.pool.Exec(context.Background(), o.Create); err != nil {
			t.Fatalf("normalize: %s: %v", o.Key, err)
		}
	}
	normalize := dev.adb.NormalizeSchema
	if slices.ContainsFunc(exts, (*ir.Extension).OwnSchema) {
		// The engine's own refuses the database, which holds the
		// extension's schema, as not clean.
		normalize = dev.adb.NormalizeSchemaAmong
	}
	n, err := normalize(context.Background(), s)
	if err != nil {
		t.Fatalf("normalize: %v", err)
	}
	n.Name = "public"
	migration.CopySetColumns(s, n)
	return n
}

// assertSchema checks that the database holds exactly pkg's schema, in
// both diff directions. An enum that has extra values is accepted when
// the migration said so (irreversible).
func assertSchema(t *testing.T, db *testDB, pkg *ir.Package, irreversible []string) {
	t.Helper()
	assertSchemaIs(t, db, normalize(t, pkg), pkg.Objects, irreversible)
}

// assertSnapshot checks that the database holds exactly the schema of a
// snapshot file: what a migration that keeps columns for a pending
// contract leaves.
func assertSnapshot(t *testing.T, db *testDB, snapshot []byte, irreversible []string) {
	t.Helper()
	s, err := migration.ParseSnapshot(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	exts, objs, err := migration.ParseObjects(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	s.Name = "public"
	assertSchemaIs(t, db, normalizeSchema(t, s, exts, objs), objs, irreversible)
}

// assertSchemaIs checks that the database holds exactly the normalized
// schema want, but for the comments of indexes the objects objs set
// (COMMENT ON INDEX, which specs do not declare): assertObjects checks
// those.
func assertSchemaIs(t *testing.T, db *testDB, want *schema.Schema, objs []*ir.Object, irreversible []string) {
	t.Helper()
	got := db.inspect(t)
	for _, tb := range got.Tables {
		for _, idx := range tb.Indexes {
			if commentedByObject(idx.Name, objs) {
				idx.Attrs = slices.DeleteFunc(idx.Attrs, func(a schema.Attr) bool {
					_, ok := a.(*schema.Comment)
					return ok
				})
			}
		}
	}
	for _, pair := range [][2]*schema.Schema{{got, want}, {want, got}} {
		changes, err := db.drv.SchemaDiff(pair[0], pair[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			if m, ok := c.(*schema.ModifyObject); ok && len(irreversible) > 0 {
				from, ok1 := m.From.(*schema.EnumType)
				to, ok2 := m.To.(*schema.EnumType)
				if ok1 && ok2 && (subset(from.Values, to.Values) || subset(to.Values, from.Values)) {
					continue // only values added, which the down could not drop
				}
			}
			t.Errorf("database differs from the spec: %s", describeChange(c))
		}
	}
}

// commentedByObject reports whether one of objs comments on the index.
func commentedByObject(index string, objs []*ir.Object) bool {
	re := regexp.MustCompile(`(?i)\bCOMMENT\s+ON\s+INDEX\s+(?:"?public"?\.)?"?` + regexp.QuoteMeta(index) + `"?\s+IS\b`)
	for _, o := range objs {
		if re.MatchString(o.Create) {
			return true
		}
	}
	return false
}

func describeChange(c schema.Change) string {
	if m, ok := c.(*schema.ModifyTable); ok {
		var parts []string
		for _, tc := range m.Changes {
			switch tc := tc.(type) {
			case *schema.ModifyColumn:
				parts = append(parts, "modify column "+tc.From.Name+" "+describeKind(tc.Change))
			case *schema.ModifyIndex:
				parts = append(parts, "modify index "+tc.From.Name+" "+describeKind(tc.Change))
			default:
				parts = append(parts, typeName(tc))
			}
		}
		return "table " + m.T.Name + ": " + strings.Join(parts, "; ")
	}
	return typeName(c)
}

func describeKind(k schema.ChangeKind) string {
	var s []string
	for _, x := range []struct {
		k schema.ChangeKind
		n string
	}{{schema.ChangeType, "type"}, {schema.ChangeNull, "null"}, {schema.ChangeDefault, "default"}, {schema.ChangeComment, "comment"}, {schema.ChangeAttr, "attr"}, {schema.ChangeParts, "parts"}, {schema.ChangeUnique, "unique"}} {
		if k.Is(x.k) {
			s = append(s, x.n)
		}
	}
	return "(" + strings.Join(s, ",") + ")"
}

func typeName(v any) string {
	switch v := v.(type) {
	case *schema.AddTable:
		return "add table " + v.T.Name
	case *schema.DropTable:
		return "drop table " + v.T.Name
	case *schema.ModifyObject:
		return "modify object"
	case *schema.AddObject:
		return "add object"
	case *schema.DropObject:
		return "drop object"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*schema.")
}

// subset reports whether every value of a is in b.
func subset(a, b []string) bool {
	have := map[string]bool{}
	for _, v := range b {
		have[v] = true
	}
	for _, v := range a {
		if !have[v] {
			return false
		}
	}
	return true
}

// TestAddColumnWithRulesOnRows applies, to a table that has rows, a
// migration adding columns whose rules become CHECKs: the rows take the
// defaults (or NULL), which pass, so the migration is planned without a
// refusal and applies; the CHECKs then hold for new rows.
func TestAddColumnWithRulesOnRows(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "migrations", "add_column_with_rules")
	p := newProject(t, "golang-migrate")
	before, err := os.ReadFile(filepath.Join(dir, "before.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p.setSpec(before)
	p.diff("initial", false)
	db := openDB(t)
	ctx := context.Background()
	m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO users (username, email) VALUES ('ada', 'ada@example.com'), ('bob', 'bob@example.com')`); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(filepath.Join(dir, "after.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p.setSpec(after)
	res := p.diff("rules", false)
	if res.Blocked || len(res.Findings) > 0 {
		t.Fatalf("refused: %s", report(res))
	}
	if m, err = runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up on a table with rows: %v", err)
	}
	var points int
	var tier string
	if err := db.pool.QueryRow(ctx, `SELECT loyalty_points, tier FROM users WHERE username = 'ada'`).Scan(&points, &tier); err != nil || points != 0 || tier != "basic" {
		t.Fatalf("defaults: %d %q %v", points, tier, err)
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO users (username, email, loyalty_points) VALUES ('cy', 'cy@example.com', -1)`)
	if err == nil || !strings.Contains(err.Error(), "users_loyalty_points_min") {
		t.Fatalf("a negative loyalty_points: %v", err)
	}
}
