package migration_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// generatedSpec declares notes with the generated column slug (expr,
// indexed), calling slugify as fn creates it before the tables, and the
// column shout: plain text, or generated as shout says.
func generatedSpec(expr, fn, shout string) []byte {
	col := "      shout: {type: text, nullable: true}\n"
	if shout != "" {
		col = fmt.Sprintf("      shout: {type: text, generated: %q}\n", shout)
	}
	return []byte("tables:\n  notes:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      title: text\n" +
		fmt.Sprintf("      slug: {type: text, generated: %q}\n", expr) + col +
		"    indexes:\n      - {columns: [slug]}\n" +
		"sql_objects:\n  - name: slugify\n    kind: function\n    before_tables: true\n    sql: |\n      " + fn + "\n")
}

const (
	slugify1 = `CREATE FUNCTION slugify(s text) RETURNS text LANGUAGE sql IMMUTABLE STRICT RETURN trim(BOTH '-' FROM regexp_replace(lower(s), '[^a-z0-9]+', '-', 'g'))`
	slugify2 = `CREATE FUNCTION slugify(s text, sep text) RETURNS text LANGUAGE sql IMMUTABLE STRICT RETURN trim(BOTH sep FROM regexp_replace(lower(s), '[^a-z0-9]+', sep, 'g'))`
)

// TestGeneratedColumnChangesMigrate changes the expression of a
// generated column, and the arguments of the function it calls, then
// makes a plain column generated: PostgreSQL 15 cannot alter either, so
// the column is dropped and added again, its index with it, the new
// function created before and the old one dropped after. The row that
// was there before takes the values of each expression, and every down
// migration gives the previous ones back, its index included, with
// online plans and offline ones.
func TestGeneratedColumnChangesMigrate(t *testing.T) {
	for _, offline := range []bool{false, true} {
		t.Run(fmt.Sprintf("offline=%v", offline), func(t *testing.T) {
			generatedColumnChangesMigrate(t, migration.Options{Offline: offline, AllowDestructive: true, AllowBreaking: true, AllowRewrite: true})
		})
	}
}

func generatedColumnChangesMigrate(t *testing.T, opts migration.Options) {
	ctx := context.Background()
	runStepsWith(t, opts, []migrationStep{
		{generatedSpec("slugify(title)", slugify1, ""), "Hello World: hello-world, <nil>; index slug; slugify(s text)"},
		{generatedSpec("slugify(title, '_')", slugify2, ""), "Hello World: hello_world, <nil>; index slug; slugify(s text, sep text)"},
		{generatedSpec("slugify(title, '_')", slugify2, "upper(title)"), "Hello World: hello_world, HELLO WORLD; index slug; slugify(s text, sep text)"},
	}, func(db *testDB) string {
		// The first call adds the row every later one reads.
		if _, err := db.pool.Exec(ctx, `INSERT INTO notes (title) SELECT 'Hello World' WHERE NOT EXISTS (SELECT 1 FROM notes)`); err != nil {
			t.Fatal(err)
		}
		var title, slug string
		var shout *string
		if err := db.pool.QueryRow(ctx, `SELECT title, slug, shout FROM notes`).Scan(&title, &slug, &shout); err != nil {
			t.Fatal(err)
		}
		var idx, fns []string
		rows, _ := db.pool.Query(ctx, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'notes'::regclass AND NOT i.indisprimary`)
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			idx = append(idx, s)
		}
		rows, _ = db.pool.Query(ctx, `SELECT format('%s(%s)', proname, pg_get_function_arguments(oid)) FROM pg_proc WHERE proname = 'slugify'`)
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			fns = append(fns, s)
		}
		if rows.Err() != nil {
			t.Fatal(rows.Err())
		}
		s := "<nil>"
		if shout != nil {
			s = *shout
		}
		slices.Sort(fns)
		return fmt.Sprintf("%s: %s, %s; index %s; %s", title, slug, s, strings.Join(idx, ","), strings.Join(fns, ", "))
	})
}

// TestGeneratedColumnChangeFindings: a generated column dropped and added
// again loses no values and keeps working for the running code: only
// the table's rewrite asks for a flag. A plain column made generated
// loses its values, which asks for --allow-destructive too.
func TestGeneratedColumnChangeFindings(t *testing.T) {
	p := newProject(t, "golang-migrate")
	p.setSpec(generatedSpec("slugify(title)", slugify1, ""))
	if res := p.diff("init", false); res.Blocked {
		t.Fatalf("init: %s", report(res))
	}
	codes := func(expr, fn, shout string) string {
		p.setSpec(generatedSpec(expr, fn, shout))
		res := p.diff("change", false)
		var out []string
		for _, f := range res.Findings {
			if f.Kind != "lint" {
				out = append(out, f.Code)
			}
		}
		if !res.Blocked {
			t.Fatalf("%s: not blocked: %s", expr, report(res))
		}
		return strings.Join(out, " ")
	}
	if got := codes("lower(title)", slugify1, ""); got != "CPC401" {
		t.Errorf("a new expression: findings %q, want CPC401 alone", got)
	}
	if got := codes("slugify(title)", slugify1, "upper(title)"); !strings.Contains(got, "CPC103") || !strings.Contains(got, "CPC401") {
		t.Errorf("a plain column made generated: findings %q, want CPC103 and CPC401", got)
	}
}

// TestCheckChangeMigrates changes the expression of a named check and of
// a column's check: each is replaced (NOT VALID, then validated), and the
// down migration gives the old one back.
func TestCheckChangeMigrates(t *testing.T) {
	spec := func(check, col string) []byte {
		return []byte("tables:\n  items:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      amount: {type: integer, check: \"" + col + "\"}\n    checks:\n      - {name: amount_small, expr: \"" + check + "\"}\n")
	}
	runSteps(t, []migrationStep{
		{spec("amount < 100", "amount > 0"), "CHECK ((amount < 100)), CHECK ((amount > 0))"},
		{spec("amount < 1000", "amount > 10"), "CHECK ((amount < 1000)), CHECK ((amount > 10))"},
	}, func(db *testDB) string {
		var defs string
		if err := db.pool.QueryRow(context.Background(), `SELECT string_agg(pg_get_constraintdef(oid), ', ' ORDER BY pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype = 'c' AND convalidated`).Scan(&defs); err != nil {
			t.Fatal(err)
		}
		return defs
	})
}

// TestIndexChangeMigrates makes a unique index partial and changes a
// plain index's columns: online, each new index is built concurrently
// under a name of its own and takes the old one's place after, so the
// table is never without it; the down migration puts the old ones back.
func TestIndexChangeMigrates(t *testing.T) {
	spec := func(where, cols string) []byte {
		return []byte("tables:\n  items:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      slug: text\n      gone: {type: boolean, default: false}\n      n: integer\n    indexes:\n" +
			"      - {name: items_slug_key, columns: [slug], unique: true" + where + "}\n      - {name: items_n_idx, columns: [" + cols + "]}\n")
	}
	runSteps(t, []migrationStep{
		{spec("", "n"), "CREATE INDEX items_n_idx ON public.items USING btree (n); CREATE UNIQUE INDEX items_slug_key ON public.items USING btree (slug)"},
		{spec(`, where: "NOT gone"`, "n, slug"), "CREATE INDEX items_n_idx ON public.items USING btree (n, slug); CREATE UNIQUE INDEX items_slug_key ON public.items USING btree (slug) WHERE (NOT gone)"},
	}, func(db *testDB) string {
		var defs string
		if err := db.pool.QueryRow(context.Background(), `SELECT string_agg(pg_get_indexdef(indexrelid), '; ' ORDER BY pg_get_indexdef(indexrelid)) FROM pg_index WHERE indrelid = 'items'::regclass AND NOT indisprimary AND indisvalid`).Scan(&defs); err != nil {
			t.Fatal(err)
		}
		return defs
	})
}

// slugSpec declares notes with the generated column slug, indexed,
// calling the function slugify fn creates before the tables, and the
// view slugs reading the column.
func slugSpec(fn string) []byte {
	return []byte("tables:\n  notes:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      title: text\n" +
		"      slug: {type: text, generated: \"slugify(title)\"}\n    indexes:\n      - {columns: [slug]}\n" +
		"sql_objects:\n  - name: slugify\n    kind: function\n    before_tables: true\n    sql: |\n      " + fn + "\n" +
		"  - {name: slugs, kind: view, depends_on: [notes], sql: \"CREATE VIEW slugs AS SELECT id, slug FROM notes\"}\n")
}

// TestGeneratedColumnFunctionResultChanges changes the result type of
// the function a generated column calls, its arguments the same: the
// function is dropped and created again, which PostgreSQL refuses while
// the column calls it, so the column is dropped before (its index and the
// view reading it with it) and added again after, computed by the new
// function. The down migration gives the old function and values back,
// and the index; online and offline.
func TestGeneratedColumnFunctionResultChanges(t *testing.T) {
	for _, offline := range []bool{false, true} {
		t.Run(fmt.Sprintf("offline=%v", offline), func(t *testing.T) {
			generatedColumnFunctionResultChanges(t, migration.Options{Offline: offline, AllowDestructive: true, AllowBreaking: true, AllowRewrite: true})
		})
	}
}

func generatedColumnFunctionResultChanges(t *testing.T, opts migration.Options) {
	ctx := context.Background()
	const varchar = `CREATE FUNCTION slugify(s text) RETURNS varchar LANGUAGE sql IMMUTABLE STRICT RETURN trim(BOTH '_' FROM regexp_replace(lower(s), '[^a-z0-9]+', '_', 'g'))`
	runStepsWith(t, opts, []migrationStep{
		{slugSpec(slugify1), "hello-world; index slug; slugify(s text) text"},
		{slugSpec(varchar), "hello_world; index slug; slugify(s text) character varying"},
	}, func(db *testDB) string {
		// The first call adds the row every later one reads.
		if _, err := db.pool.Exec(ctx, `INSERT INTO notes (title) SELECT 'Hello World' WHERE NOT EXISTS (SELECT 1 FROM notes)`); err != nil {
			t.Fatal(err)
		}
		var slug, idx, fn string
		if err := db.pool.QueryRow(ctx, `SELECT (SELECT slug FROM slugs),
			(SELECT coalesce(string_agg(a.attname, ','), '-') FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'notes'::regclass AND NOT i.indisprimary),
			(SELECT string_agg(format('%s(%s) %s', proname, pg_get_function_arguments(oid), pg_get_function_result(oid)), ', ') FROM pg_proc WHERE proname = 'slugify')`).Scan(&slug, &idx, &fn); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s; index %s; %s", slug, idx, fn)
	})
}

// TestGeneratedColumnFunctionResultChangeRefused: a generated column
// calling a function created again, which the same migration makes plain,
// cannot be dropped first without losing its values: the plan is refused,
// naming the column and the function.
func TestGeneratedColumnFunctionResultChangeRefused(t *testing.T) {
	p := newProject(t, "golang-migrate")
	p.setSpec(slugSpec(slugify1))
	if res := p.diff("init", true); res.Blocked {
		t.Fatal(report(res))
	}
	varchar := strings.Replace(slugify1, "RETURNS text", "RETURNS varchar", 1)
	p.setSpec(bytes.Replace(slugSpec(varchar), []byte(`slug: {type: text, generated: "slugify(title)"}`), []byte("slug: {type: text, nullable: true}"), 1))
	dir, err := migration.ReadDir(p.root, "migrations", p.format)
	if err != nil {
		t.Fatal(err)
	}
	_, err = migration.Diff(p.build(), dir, migration.Options{Name: "plain", AllowDestructive: true, AllowBreaking: true, AllowRewrite: true})
	if err == nil || !strings.Contains(err.Error(), `generated column "notes"."slug" calls function "slugify"`) {
		t.Errorf("err = %v, want the refusal naming the column and the function", err)
	}
}

// slugIndexSpec declares notes with an expression index, a partial index
// and a check calling the function slugify fn creates before the tables.
func slugIndexSpec(fn string) []byte {
	return []byte("tables:\n  notes:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      title: text\n" +
		"    indexes:\n      - {columns: [{expr: \"slugify(title)\"}], name: notes_slug_idx}\n" +
		"      - {columns: [title], where: \"slugify(title) <> ''\", name: notes_titled_idx}\n" +
		"    checks: [{name: notes_sluggable, expr: \"slugify(title) <> ''\"}]\n" +
		"sql_objects:\n  - name: slugify\n    kind: function\n    before_tables: true\n    sql: |\n      " + fn + "\n")
}

// TestIndexAndCheckFunctionResultChanges changes the result type of the
// function an expression index, a partial index and a check call: the
// function is dropped and created again, which PostgreSQL refuses while
// they call it, so they are dropped before and made again after, with
// the new function. The down migration gives the old function back, and
// them with it.
func TestIndexAndCheckFunctionResultChanges(t *testing.T) {
	ctx := context.Background()
	varchar := strings.Replace(slugify1, "RETURNS text", "RETURNS varchar", 1)
	runSteps(t, []migrationStep{
		{slugIndexSpec(slugify1), "notes_slug_idx,notes_titled_idx; notes_sluggable; text; 1 row"},
		{slugIndexSpec(varchar), "notes_slug_idx,notes_titled_idx; notes_sluggable; character varying; 1 row"},
	}, func(db *testDB) string {
		if _, err := db.pool.Exec(ctx, `INSERT INTO notes (title) SELECT 'Hello World' WHERE NOT EXISTS (SELECT 1 FROM notes)`); err != nil {
			t.Fatal(err)
		}
		var idx, chk, result string
		var rows int
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT coalesce(string_agg(c.relname, ',' ORDER BY c.relname), '-') FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'notes'::regclass AND NOT i.indisprimary),
			(SELECT coalesce(string_agg(conname, ','), '-') FROM pg_constraint WHERE conrelid = 'notes'::regclass AND contype = 'c'),
			(SELECT pg_get_function_result(oid) FROM pg_proc WHERE proname = 'slugify'),
			(SELECT count(*) FROM notes)`).Scan(&idx, &chk, &result, &rows); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s; %s; %s; %d row", idx, chk, result, rows)
	})
}

// TestViewWithoutDependsOnRebuilt retypes and renames columns a view
// reads whose depends_on does not name its table: the view is dropped
// before the ALTER TABLE, which PostgreSQL refuses while a view uses the
// column, and created again after; down gives the old one back.
func TestViewWithoutDependsOnRebuilt(t *testing.T) {
	ctx := context.Background()
	spec := func(typ, name string) []byte {
		return []byte("tables:\n  items:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      " + name + ": " + typ + "\n" +
			"sql_objects:\n  - {name: item_qty, kind: view, sql: \"CREATE VIEW item_qty AS SELECT id, " + name + " AS qty FROM public.\\\"items\\\"\"}\n")
	}
	runSteps(t, []migrationStep{
		{spec("integer", "qty"), "integer 7"},
		{spec("bigint", "qty"), "bigint 7"},
		{[]byte(strings.Replace(string(spec("bigint", "quantity")), "      quantity: bigint\n", "      quantity: {type: bigint, renamed_from: qty}\n", 1)), "bigint 7"},
	}, func(db *testDB) string {
		col := "qty"
		if hasColumn(t, db, "items", "quantity") {
			col = "quantity"
		}
		if _, err := db.pool.Exec(ctx, `INSERT INTO items (`+col+`) SELECT 7 WHERE NOT EXISTS (SELECT 1 FROM items)`); err != nil {
			t.Fatal(err)
		}
		var typ string
		var qty int64
		if err := db.pool.QueryRow(ctx, `SELECT pg_typeof(qty)::text, qty::bigint FROM item_qty`).Scan(&typ, &qty); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s %d", typ, qty)
	})
}

// hasColumn reports whether table has a column named col.
func hasColumn(t *testing.T, db *testDB, table, col string) bool {
	t.Helper()
	var ok bool
	if err := db.pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2)`, table, col).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestFunctionArgumentsChangeUnderCallers gives the function a generated
// column, an expression index, a partial index and a check call a new
// argument with a default, their expressions the same: PostgreSQL keeps
// the old function beside the new one and refuses to drop it while they
// are bound to it, so they are dropped before it and made again after
// the new one exists, bound to it. Down gives the old one back.
func TestFunctionArgumentsChangeUnderCallers(t *testing.T) {
	ctx := context.Background()
	withSep := `CREATE FUNCTION slugify(s text, sep text DEFAULT '-') RETURNS text LANGUAGE sql IMMUTABLE STRICT RETURN trim(BOTH sep FROM regexp_replace(lower(s), '[^a-z0-9]+', sep, 'g'))`
	spec := func(fn string) []byte {
		return []byte(strings.Replace(string(slugIndexSpec(fn)), "      title: text\n", "      title: text\n      slug: {type: text, generated: \"slugify(title)\"}\n", 1))
	}
	runSteps(t, []migrationStep{
		{spec(slugify1), "hello-world; notes_slug_idx,notes_titled_idx; notes_sluggable; slugify(s text)"},
		{spec(withSep), "hello-world; notes_slug_idx,notes_titled_idx; notes_sluggable; slugify(s text, sep text DEFAULT '-'::text)"},
	}, func(db *testDB) string {
		if _, err := db.pool.Exec(ctx, `INSERT INTO notes (title) SELECT 'Hello World' WHERE NOT EXISTS (SELECT 1 FROM notes)`); err != nil {
			t.Fatal(err)
		}
		var slug, idx, chk, fn string
		if err := db.pool.QueryRow(ctx, `SELECT (SELECT slug FROM notes),
			(SELECT coalesce(string_agg(c.relname, ',' ORDER BY c.relname), '-') FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'notes'::regclass AND NOT i.indisprimary),
			(SELECT coalesce(string_agg(conname, ','), '-') FROM pg_constraint WHERE conrelid = 'notes'::regclass AND contype = 'c'),
			(SELECT string_agg(format('%s(%s)', proname, pg_get_function_arguments(oid)), ', ') FROM pg_proc WHERE proname = 'slugify')`).Scan(&slug, &idx, &chk, &fn); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s; %s; %s; %s", slug, idx, chk, fn)
	})
}

// TestFunctionArgumentsChangeDroppingCaller drops the generated column
// calling a function whose arguments change in the same migration: the
// table change drops the column, and the old function goes after it.
func TestFunctionArgumentsChangeDroppingCaller(t *testing.T) {
	ctx := context.Background()
	dropped := []byte("tables:\n  notes:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      title: text\n" +
		"sql_objects:\n  - name: slugify\n    kind: function\n    before_tables: true\n    sql: |\n      " + slugify2 + "\n")
	runSteps(t, []migrationStep{
		{slugSpec(slugify1), "slug; slugify(s text)"},
		{dropped, "-; slugify(s text, sep text)"},
	}, func(db *testDB) string {
		var cols, fn string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT coalesce(string_agg(column_name::text, ','), '-') FROM information_schema.columns WHERE table_name = 'notes' AND column_name = 'slug'),
			(SELECT string_agg(format('%s(%s)', proname, pg_get_function_arguments(oid)), ', ') FROM pg_proc WHERE proname = 'slugify')`).Scan(&cols, &fn); err != nil {
			t.Fatal(err)
		}
		return cols + "; " + fn
	})
}

// TestFunctionCalledByDefaultChanges changes the result, then the
// arguments, of the function a column default calls: PostgreSQL refuses
// to drop it while the default calls it, so the default is dropped
// before and set again after, calling the new one. Each down migration
// gives the old function and default back.
func TestFunctionCalledByDefaultChanges(t *testing.T) {
	ctx := context.Background()
	spec := func(fn, def string) []byte {
		return []byte("tables:\n  tags:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      code: {type: text, default: {sql: \"" + def + "\"}}\n" +
			"sql_objects:\n  - name: slugify\n    kind: function\n    before_tables: true\n    sql: |\n      " + fn + "\n")
	}
	varchar := strings.Replace(slugify1, "RETURNS text", "RETURNS varchar", 1)
	withSep := `CREATE FUNCTION slugify(s text, sep text DEFAULT '-') RETURNS text LANGUAGE sql IMMUTABLE STRICT RETURN trim(BOTH sep FROM regexp_replace(lower(s), '[^a-z0-9]+', sep, 'g'))`
	runSteps(t, []migrationStep{
		{spec(slugify1, "slugify('Hello World')"), "hello-world; slugify(s text) text"},
		{spec(varchar, "slugify('Hello World')"), "hello-world; slugify(s text) character varying"},
		{spec(withSep, "slugify('Hello World')"), "hello-world; slugify(s text, sep text DEFAULT '-'::text) text"},
		{spec(withSep, "slugify('Hello World', '_')"), "hello_world; slugify(s text, sep text DEFAULT '-'::text) text"},
	}, func(db *testDB) string {
		var code, fn string
		if err := db.pool.QueryRow(ctx, `INSERT INTO tags DEFAULT VALUES RETURNING code`).Scan(&code); err != nil {
			t.Fatal(err)
		}
		if err := db.pool.QueryRow(ctx, `SELECT string_agg(format('%s(%s) %s', proname, pg_get_function_arguments(oid), pg_get_function_result(oid)), ', ') FROM pg_proc WHERE proname = 'slugify'`).Scan(&fn); err != nil {
			t.Fatal(err)
		}
		return code + "; " + fn
	})
}
