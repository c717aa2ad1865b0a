package migration_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/spec"
)

// assertObjects checks that the database holds exactly the extensions
// and SQL objects of pkg (objects of kind other, which the catalogs
// cannot name, left out), besides those that were there before the
// migrations (db.preexisting), and the extra ones named.
func assertObjects(t *testing.T, db *testDB, pkg *ir.Package, extra ...string) {
	t.Helper()
	var got []string
	want := append([]string(nil), extra...)
	for _, key := range objectKeys(t, db) {
		if !db.preexisting[key] {
			got = append(got, key)
		}
	}
	for _, e := range pkg.Extensions {
		want = append(want, e.Key())
	}
	for _, o := range pkg.Objects {
		if o.Kind != "other" {
			want = append(want, o.Key)
		}
	}
	// The sequence PostgreSQL makes for a serial column, under the name
	// it gives it (the test cases' names are short).
	for _, t := range pkg.Tables {
		for _, c := range t.Columns {
			if c.Serial {
				want = append(want, "sequence "+t.SQLName+"_"+c.SQLName+"_seq")
			}
		}
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the database holds the objects\n  %s\nthe spec declares\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// syncObjects are the keys of the trigger and function that keep the two
// columns of each pending rename in sync.
func syncObjects(ps []*migration.Pending) []string {
	var out []string
	for _, p := range ps {
		if p.Kind == migration.PendingRename {
			name := p.Table + "_" + p.To + "_sync"
			out = append(out, "function "+name, "trigger "+name+" on "+p.Table)
		}
	}
	return out
}

// TestObjectsRoundTrip applies the migrations of the objects_create and
// objects_change cases to a database with rows: after each up the
// trigger fires on a write, the view and the functions return rows;
// each down takes the objects back, and the rows stay.
func TestObjectsRoundTrip(t *testing.T) {
	ctx := context.Background()
	cases := filepath.Join("testdata", "migrations")
	p := newProject(t, "golang-migrate")
	read := func(name string) []byte {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(cases, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	p.setSpec(read("objects_create/before.yaml"))
	p.diff("initial", false)
	before := p.build()
	p.setSpec(read("objects_create/after.yaml"))
	if res := p.diff("objects", false); res.Blocked {
		t.Fatalf("blocked: %s", report(res))
	}
	created := p.build()
	p.setSpec(read("objects_change/after.yaml"))
	if res := p.diff("change", false); res.Blocked {
		t.Fatalf("blocked: %s", report(res))
	}
	changed := p.build()

	db := openDB(t)
	m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO notes (title, body) VALUES ('Shopping', 'Milk')`); err != nil {
		t.Fatal(err)
	}
	if _, err := m.UpTo(ctx, 2); err != nil {
		t.Fatalf("up 2: %v", err)
	}
	assertObjects(t, db, created)
	// The trigger fires on a write.
	var search *string
	if err := db.pool.QueryRow(ctx, `INSERT INTO notes (title, body) VALUES ('Garden', 'Roses') RETURNING search_text`).Scan(&search); err != nil {
		t.Fatal(err)
	}
	if search == nil || *search != "garden roses" {
		t.Fatalf("search_text after insert: %v", search)
	}
	if _, err := db.pool.Exec(ctx, `UPDATE notes SET body = 'Eggs' WHERE title = 'Shopping'`); err != nil {
		t.Fatal(err)
	}
	if err := db.pool.QueryRow(ctx, `SELECT search_text FROM notes WHERE title = 'Shopping'`).Scan(&search); err != nil || search == nil || *search != "shopping eggs" {
		t.Fatalf("search_text after update: %v %v", search, err)
	}
	// The view and the function (with pg_trgm's %) return rows.
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM recent_notes`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("recent_notes: %d rows, %v", n, err)
	}
	var title string
	if err := db.pool.QueryRow(ctx, `SELECT title FROM similar_notes('Gardn')`).Scan(&title); err != nil || title != "Garden" {
		t.Fatalf("similar_notes: %q %v", title, err)
	}

	// The change: the function replaced in place keeps its trigger, which
	// now runs the new body (NULL-safe); the function with new arguments
	// and the views come again.
	if _, err := m.UpTo(ctx, 3); err != nil {
		t.Fatalf("up 3: %v", err)
	}
	assertObjects(t, db, changed)
	if err := db.pool.QueryRow(ctx, `UPDATE notes SET body = 'Tulips' WHERE title = 'Garden' RETURNING search_text`).Scan(&search); err != nil || search == nil || *search != "garden tulips" {
		t.Fatalf("search_text after the replacement: %v %v", search, err)
	}
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM note_matches`).Scan(&n); err != nil {
		t.Fatalf("note_matches: %v", err)
	}
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM similar_notes('Shoping', 1)`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("similar_notes with a limit: %d %v", n, err)
	}

	// Down twice: the objects of each step go, the rows stay.
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatalf("down 3: %v", err)
	}
	assertObjects(t, db, created)
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM similar_notes('Gardn')`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("similar_notes back to one argument: %d %v", n, err)
	}
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatalf("down 2: %v", err)
	}
	assertObjects(t, db, before)
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM notes`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("rows after down: %d %v", n, err)
	}
	if _, err := db.pool.Exec(ctx, `SELECT 1 FROM recent_notes`); err == nil {
		t.Fatal("recent_notes is still there after down")
	}
	// And up again.
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	assertObjects(t, db, changed)
}

// objectKeys lists the keys of the extensions and objects of the
// database's public schema.
func objectKeys(t *testing.T, db *testDB) []string {
	t.Helper()
	found, err := migration.InspectObjects(context.Background(), db.pool, []string{"public"}, "public")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range found {
		out = append(out, f.Key)
	}
	return out
}

// TestInspectObjectsTypeWithoutAttributes: a composite type without
// attributes (CREATE TYPE … AS (), which PostgreSQL allows) is read as
// (), not as a NULL definition that fails the whole read.
func TestInspectObjectsTypeWithoutAttributes(t *testing.T) {
	db := openDB(t)
	if _, err := db.pool.Exec(context.Background(), `CREATE TYPE nothing AS (); CREATE TYPE pair AS (a int, b text)`); err != nil {
		t.Fatal(err)
	}
	found, err := migration.InspectObjects(context.Background(), db.pool, []string{"public"}, "public")
	if err != nil {
		t.Fatal(err)
	}
	defs := map[string]string{}
	for _, f := range found {
		defs[f.Key] = f.Definition
	}
	for key, want := range map[string]string{"type nothing": "()", "type pair": "(a integer, b text)"} {
		if got, ok := defs[key]; !ok || got != want {
			t.Errorf("%s: definition %q (found %v), want %q; all: %v", key, got, ok, want, defs)
		}
	}
}

// TestInspectObjectsUnprintableView: a materialized view a trigger's
// function made over the trigger's transition table, whose definition
// PostgreSQL 15 cannot print (unrecognized RTE kind: 7), stopped the
// read, and with it check --url and migrate baseline, without naming
// it; it is now read with a definition saying so, and the other views
// as before.
func TestInspectObjectsUnprintableView(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := db.pool.Exec(ctx, `
CREATE TABLE t (id int PRIMARY KEY, v text);
CREATE VIEW t_ids AS SELECT id AS ":rtekind 7 " FROM t;
CREATE FUNCTION snap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  CREATE MATERIALIZED VIEW t_snap AS SELECT * FROM newrows;
  RETURN NULL;
END $$;
CREATE TRIGGER t_snap AFTER INSERT ON t REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION snap();
INSERT INTO t VALUES (1, 'a');
`); err != nil {
		t.Fatal(err)
	}
	found, err := migration.InspectObjects(ctx, db.pool, []string{"public"}, "public")
	if err != nil {
		t.Fatal(err)
	}
	defs := map[string]string{}
	for _, f := range found {
		defs[f.Key] = f.Definition
	}
	if got := defs["materialized_view t_snap"]; !strings.Contains(got, "cannot print") {
		t.Errorf("materialized_view t_snap: definition %q, want one saying PostgreSQL cannot print it; all: %v", got, defs)
	}
	if got := defs["view t_ids"]; !strings.Contains(got, "SELECT") {
		t.Errorf("view t_ids: definition %q, want its SELECT; all: %v", got, defs)
	}
}

// notePreexisting records the objects the database holds before any
// migration (the Citus stub's functions), which assertObjects ignores.
func (db *testDB) notePreexisting(t *testing.T) {
	t.Helper()
	db.preexisting = map[string]bool{}
	for _, key := range objectKeys(t, db) {
		db.preexisting[key] = true
	}
}

// TestObjectKindsHaveCatalogs checks the two tables of SQL object kinds
// against each other: every kind of spec.ObjectKinds but other has the
// catalog query check --url and the tests read it with, and every query
// is for a kind (or for the partitions cpcgen makes itself).
func TestObjectKindsHaveCatalogs(t *testing.T) {
	kinds := map[string]bool{ir.KindPartition: true}
	for _, k := range spec.ObjectKinds {
		kinds[k.Name] = true
		if _, ok := migration.ObjectCatalogs[k.Name]; !ok && k.Keyword != "" {
			t.Errorf("kind %q has no catalog query in migration.ObjectCatalogs", k.Name)
		}
	}
	for k := range migration.ObjectCatalogs {
		if !kinds[k] {
			t.Errorf("migration.ObjectCatalogs has a query for %q, which is not a kind of spec.ObjectKinds", k)
		}
	}
}

// TestTypeChangeRebuildsBoundObjects changes a composite type that a
// function's result and a domain's base name, neither declaring it in
// depends_on: PostgreSQL binds both to the type, which cannot be dropped
// while they exist, so they are dropped before it and created again after,
// the function even where its new body alone would replace it in place
// (crates.io's semver_triple and to_semver_no_prerelease, made numeric).
func TestTypeChangeRebuildsBoundObjects(t *testing.T) {
	ctx := context.Background()
	spec := func(typ string) []byte {
		return []byte("tables:\n  versions:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      num: text\n" +
			"sql_objects:\n" +
			"  - name: semver\n    kind: type\n    sql: CREATE TYPE semver AS (major " + typ + ", minor " + typ + ")\n" +
			"  - name: semvers\n    kind: domain\n    sql: CREATE DOMAIN semvers AS semver[]\n" +
			"  - name: to_semver\n    kind: function\n    sql: |\n" +
			"      CREATE FUNCTION to_semver(text) RETURNS semver IMMUTABLE LANGUAGE sql\n" +
			"      AS $$ SELECT (split_part($1, '.', 1)::" + typ + ", split_part($1, '.', 2)::" + typ + ")::semver $$\n")
	}
	runSteps(t, []migrationStep{
		{spec("integer"), "integer (1,2) {\"(1,2)\"}"},
		{spec("numeric"), "numeric (1,2) {\"(1,2)\"}"},
	}, func(db *testDB) string {
		var typ, value, values string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'semver'::regclass AND attname = 'major'),
			to_semver('1.2')::text, ARRAY[to_semver('1.2')]::semvers::text`).Scan(&typ, &value, &values); err != nil {
			t.Fatal(err)
		}
		return typ + " " + value + " " + values
	})
}

// TestRetypedColumnRebuildsTrigger changes the type of a column a
// trigger names in UPDATE OF and one its WHEN reads: PostgreSQL refuses
// to alter the type of a column used in a trigger definition, so the
// triggers are dropped before the change and created again after it
// (crates.io's trigger_crates_tsvector_update, when its timestamps
// became timestamptz). A trigger naming no column stays.
func TestRetypedColumnRebuildsTrigger(t *testing.T) {
	ctx := context.Background()
	spec := func(typ string) []byte {
		return []byte("tables:\n  crates:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      name: text\n      updated_at: {type: " + typ + ", default: now()}\n      score: {type: " + typ + ", nullable: true}\n      touched: {type: integer, default: 0}\n" +
			"sql_objects:\n" +
			"  - name: touch\n    kind: function\n    sql: |\n" +
			"      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := NEW.touched + 1; RETURN NEW; END $$\n" +
			"  - name: crates_touch\n    kind: trigger\n    depends_on: [touch]\n    sql: CREATE TRIGGER crates_touch BEFORE INSERT OR UPDATE OF updated_at ON crates FOR EACH ROW EXECUTE FUNCTION touch()\n" +
			"  - name: crates_touch_when\n    kind: trigger\n    depends_on: [touch]\n    sql: CREATE TRIGGER crates_touch_when BEFORE UPDATE ON crates FOR EACH ROW WHEN (OLD.score IS DISTINCT FROM NEW.score) EXECUTE FUNCTION touch()\n" +
			"  - name: crates_touch_all\n    kind: trigger\n    depends_on: [touch]\n    sql: CREATE TRIGGER crates_touch_all BEFORE UPDATE ON crates FOR EACH ROW EXECUTE FUNCTION touch()\n")
	}
	probe := func(db *testDB) string {
		var typ, names string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'crates'::regclass AND attname = 'updated_at'),
			(SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'crates'::regclass AND NOT tgisinternal)`).Scan(&typ, &names); err != nil {
			t.Fatal(err)
		}
		return typ + " " + names
	}
	runSteps(t, []migrationStep{
		{spec("timestamp"), "timestamp without time zone crates_touch,crates_touch_all,crates_touch_when"},
		{spec("timestamptz"), "timestamp with time zone crates_touch,crates_touch_all,crates_touch_when"},
	}, probe)
}

// TestViewGainsColumnDomain gives a column a domain by an object of
// kind other (ALTER TABLE … ALTER COLUMN … TYPE, as import declares a
// column of a domain type) that a view reading the column now depends
// on, its SQL the same: PostgreSQL refuses to alter the type of a
// column a view reads, so the view is dropped before the object is
// created and created again after it (and the down migration drops it
// before the object's reverse). It stayed, and the migration failed.
func TestViewGainsColumnDomain(t *testing.T) {
	ctx := context.Background()
	table := "tables:\n  t1:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      c1: {type: integer, nullable: true}\n" +
		"sql_objects:\n"
	view := func(deps string) string {
		return "  - name: v1\n    kind: view\n    depends_on: [" + deps + "]\n    sql: CREATE VIEW v1 AS SELECT t1.c1 FROM t1\n"
	}
	domain := "  - name: positive\n    kind: domain\n    sql: CREATE DOMAIN positive AS integer CONSTRAINT positive_check CHECK (VALUE > 0)\n" +
		"  - name: t1_c1_type\n    kind: other\n    depends_on: [t1, positive]\n" +
		"    sql: ALTER TABLE t1 ALTER COLUMN c1 TYPE positive\n    drop: ALTER TABLE t1 ALTER COLUMN c1 TYPE integer\n"
	runSteps(t, []migrationStep{
		{[]byte(table + view("t1")), "integer integer"},
		{[]byte(table + domain + view("t1, t1_c1_type")), "positive positive"},
	}, func(db *testDB) string {
		var col, viewCol string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't1'::regclass AND attname = 'c1'),
			(SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'v1'::regclass AND attname = 'c1')`).Scan(&col, &viewCol); err != nil {
			t.Fatal(err)
		}
		return col + " " + viewCol
	})
}

// TestReplacedFunctionComment replaces a function in place whose new
// definition adds a COMMENT ON, then one that drops it: CREATE OR REPLACE
// leaves the comment as it was, so the migration that drops it, and the
// reverse of the one that adds it, take it away (crates.io's
// random_string, commented when it moved to gen_random_bytes).
func TestReplacedFunctionComment(t *testing.T) {
	ctx := context.Background()
	spec := func(body, comment string) []byte {
		s := "tables:\n  t:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"sql_objects:\n  - name: pick\n    kind: function\n    sql: |\n" +
			"      CREATE FUNCTION pick(n int4) RETURNS text LANGUAGE sql AS $$ SELECT " + body + " $$;\n"
		if comment != "" {
			s += "      COMMENT ON FUNCTION pick(int4) IS '" + comment + "';\n"
		}
		return []byte(s)
	}
	runSteps(t, []migrationStep{
		{spec("'a'", ""), "a -"},
		{spec("'b'", "picks b"), "b picks b"},
		{spec("'c'", ""), "c -"},
	}, func(db *testDB) string {
		var v, comment string
		if err := db.pool.QueryRow(ctx, `SELECT pick(1), coalesce(obj_description('pick(int4)'::regprocedure, 'pg_proc'), '-')`).Scan(&v, &comment); err != nil {
			t.Fatal(err)
		}
		return v + " " + comment
	})
}

// TestColumnCollations adds, changes and drops columns' collations, which
// Atlas's HCL and diff leave out (the snapshot keeps them in lines of its
// own), and checks the database's after each migration, up and down.
func TestColumnCollations(t *testing.T) {
	ctx := context.Background()
	spec := func(email, handle string, extra string) []byte {
		return []byte("tables:\n  accounts:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      email: {type: text, unique: true" + email + "}\n      handle: {type: varchar(40)" + handle + "}\n" + extra)
	}
	runSteps(t, []migrationStep{
		{spec(`, collation: "C"`, "", ""), "email:C handle:-"},
		{spec(", collation: und-x-icu", `, collation: "POSIX"`, "      motto: {type: text, nullable: true, collation: \"C\"}\n"), "email:und-x-icu handle:POSIX motto:C"},
		{spec("", `, collation: "POSIX"`, ""), "email:- handle:POSIX"},
	}, func(db *testDB) string {
		var got string
		if err := db.pool.QueryRow(ctx, `SELECT string_agg(a.attname || ':' || coalesce(c.collname, '-'), ' ' ORDER BY a.attnum)
			FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation AND c.collname <> 'default'
			WHERE a.attrelid = 'accounts'::regclass AND a.attnum > 1 AND NOT a.attisdropped`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	})
}

// TestRetypedColumnRebuildsPolicy changes the type of a column a
// row-level security policy reads, one a policy on another table reads
// in a subquery, and one a rule's action reads: PostgreSQL refuses to
// alter the type of a column used in a policy definition, or by a rule,
// so the policies and the rule are dropped before the change and created
// again after it (Windmill's audit_username, which widened
// audit.username under the see_own and schedule policies).
func TestRetypedColumnRebuildsPolicy(t *testing.T) {
	ctx := context.Background()
	spec := func(typ string) []byte {
		return []byte("tables:\n  audit:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      username: " + typ + "\n  grp:\n    columns:\n      name: {type: text, primary_key: true}\n" +
			"sql_objects:\n" +
			"  - name: audit_row_security\n    kind: other\n    depends_on: [audit]\n    sql: ALTER TABLE audit ENABLE ROW LEVEL SECURITY\n    drop: ALTER TABLE audit DISABLE ROW LEVEL SECURITY\n" +
			"  - name: audit_see_own_policy\n    kind: other\n    depends_on: [audit]\n" +
			"    sql: CREATE POLICY see_own ON audit USING (username = current_user)\n    drop: DROP POLICY see_own ON audit\n" +
			"  - name: grp_audited_policy\n    kind: other\n    depends_on: [grp]\n" +
			"    sql: CREATE POLICY audited ON grp USING (EXISTS (SELECT 1 FROM audit WHERE audit.username = grp.name))\n    drop: DROP POLICY audited ON grp\n" +
			"  - name: audit_to_grp_rule\n    kind: other\n    depends_on: [audit, grp]\n" +
			"    sql: CREATE RULE to_grp AS ON INSERT TO audit DO ALSO INSERT INTO grp VALUES (NEW.username)\n    drop: DROP RULE to_grp ON audit\n")
	}
	probe := func(db *testDB) string {
		var typ, names string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'audit'::regclass AND attname = 'username'),
			(SELECT string_agg(name, ',' ORDER BY name) FROM (SELECT polname AS name FROM pg_policy UNION ALL SELECT rulename FROM pg_rewrite WHERE rulename = 'to_grp') n)`).Scan(&typ, &names); err != nil {
			t.Fatal(err)
		}
		return typ + " " + names
	}
	runSteps(t, []migrationStep{
		{spec("varchar(50)"), "character varying(50) audited,see_own,to_grp"},
		{spec("varchar(255)"), "character varying(255) audited,see_own,to_grp"},
	}, probe)
}

// TestOnlineIndexComments sets the comments of indexes, which specs do
// not declare and cpcgen import keeps as SQL objects, on indexes the
// migrations build, drop and make again with other columns: each comment
// stands on its index after every up and every down (Coder's
// workspace_agent_stats_template_id_created_at_user_id_idx, commented in
// the migration that made it and made again with other columns later).
func TestOnlineIndexComments(t *testing.T) {
	ctx := context.Background()
	spec := func(indexes string, comments ...string) []byte {
		s := "tables:\n  notes:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      title: text\n      body: text\n      created_at: timestamptz\n    indexes:\n" + indexes + "sql_objects:\n"
		for _, c := range comments {
			idx, text, _ := strings.Cut(c, "=")
			s += "  - {name: " + idx + "_comment, kind: other, depends_on: [notes], sql: \"COMMENT ON INDEX " + idx + " IS '" + text +
				"'\", drop: \"COMMENT ON INDEX " + idx + " IS NULL\"}\n"
		}
		return []byte(s)
	}
	runSteps(t, []migrationStep{
		{spec("      - {name: notes_title_idx, columns: [title]}\n      - {name: notes_body_idx, columns: [body]}\n",
			"notes_title_idx=by title", "notes_body_idx=by body"),
			"notes_body_idx:by body notes_title_idx:by title"},
		{spec("      - {name: notes_title_idx, columns: [title, created_at]}\n      - {name: notes_created_idx, columns: [created_at]}\n",
			"notes_title_idx=by title", "notes_created_idx=latest"),
			"notes_created_idx:latest notes_title_idx:by title"},
	}, func(db *testDB) string {
		var got string
		if err := db.pool.QueryRow(ctx, `SELECT string_agg(c.relname || ':' || coalesce(obj_description(c.oid, 'pg_class'), '-'), ' ' ORDER BY c.relname)
			FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE i.indrelid = 'notes'::regclass AND NOT i.indisprimary`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	})
}

// TestSwappedIndexBacksForeignKey makes an index unique in the same
// migration that adds a foreign key of several columns, which import
// keeps as an SQL object, over the index's columns (Logto's users__id,
// made unique for organization_user_relations__user_id__fk): PostgreSQL
// adds the key only once a unique index of those columns exists, and a
// swap builds it in a step after the schema step that adds the key, so
// the index is changed in the schema step, before the key; down drops
// the key before the index goes back. Changed again (NULLS NOT
// DISTINCT) while the key uses it, the index is dropped only after the
// key, which comes again after the new index.
func TestSwappedIndexBacksForeignKey(t *testing.T) {
	ctx := context.Background()
	spec := func(unique, key string) []byte {
		return []byte("tables:\n  users:\n    columns:\n      id: {type: text, primary_key: true}\n      tenant_id: text\n" +
			"    indexes:\n      - {name: users__id, columns: [tenant_id, id]" + unique + "}\n" +
			"  members:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      tenant_id: text\n      user_id: text\n" + key)
	}
	fk := "sql_objects:\n  - name: members_user_fk\n    kind: other\n    depends_on: [members, users]\n" +
		"    sql: ALTER TABLE members ADD CONSTRAINT members_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id)\n" +
		"    drop: ALTER TABLE members DROP CONSTRAINT members_user_fk\n"
	runSteps(t, []migrationStep{
		{spec("", ""), "users__id false"},
		{spec(", unique: true", fk), "users__id true false members_user_fk"},
		{spec(", unique: true, nulls_not_distinct: true", fk), "users__id true true members_user_fk"},
	}, func(db *testDB) string {
		var got string
		if err := db.pool.QueryRow(ctx, `SELECT c.relname || ' ' || i.indisunique || CASE WHEN i.indisunique THEN ' ' || i.indnullsnotdistinct ELSE '' END ||
			coalesce((SELECT ' ' || string_agg(conname, ' ') FROM pg_constraint WHERE conrelid = 'members'::regclass AND contype = 'f'), '')
			FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'users__id'`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	})
}

// TestStaleFunctionBodyDown drops a LANGUAGE sql function whose body went
// stale (it names a column renamed since: PostgreSQL checks a body once,
// when the function is created): the down migration makes it again as
// it was, stale too, with check_function_bodies off as pg_dump does. It
// failed: column "a" does not exist (Formance ledger's migrations).
func TestStaleFunctionBodyDown(t *testing.T) {
	ctx := context.Background()
	spec := func(col, renamed string, withFunction bool) []byte {
		s := "tables:\n  t:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n"
		if renamed != "" {
			s += "      " + col + ": {type: text, renamed_from: " + renamed + "}\n"
		} else {
			s += "      " + col + ": text\n"
		}
		if withFunction {
			s += "sql_objects:\n  - name: first_a\n    kind: function\n    depends_on: [t]\n    sql: |\n" +
				"      CREATE FUNCTION first_a() RETURNS text LANGUAGE sql AS 'SELECT a FROM t ORDER BY id LIMIT 1'\n"
		}
		return []byte(s)
	}
	runSteps(t, []migrationStep{
		{spec("a", "", true), "a 1"},
		{spec("b", "a", true), "b 1"},
		{spec("b", "", false), "b 0"},
	}, func(db *testDB) string {
		var col string
		var n int
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT string_agg(attname, ',') FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 1 AND NOT attisdropped),
			(SELECT count(*) FROM pg_proc WHERE proname = 'first_a')`).Scan(&col, &n); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s %d", col, n)
	})
}
