package migration_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/migration"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// enumSpec declares the enum status with values and the table posts
// with a column of it (with a default) and an array of it, a partial
// index and a check comparing the column with a value.
func enumSpec(values string) []byte {
	return []byte("enums:\n  status: [" + values + "]\ntables:\n  posts:\n    columns:\n" +
		"      id: {type: bigint, primary_key: true, identity: true}\n" +
		"      status: {type: status, default: live}\n" +
		"      tags: {type: \"status[]\", nullable: true}\n" +
		"    indexes:\n      - {columns: [status]}\n      - {columns: [id], where: \"status = 'live'\"}\n" +
		"    checks: [{name: no_empty_tags, expr: \"status <> 'draft' OR tags IS NOT NULL\"}]\n")
}

// TestEnumValuesDroppedAndReordered drops a value of an enum and puts
// the others in another order, which ALTER TYPE cannot do: the type is
// replaced and every column of it, arrays included, converted, its
// default kept, the partial index and the check made again. The rows keep their values, which sort in the new order;
// the down migration gives the old type back.
func TestEnumValuesDroppedAndReordered(t *testing.T) {
	ctx := context.Background()
	// The indexes and the check, valid, after every step.
	const kept = "CHECK (((status <> 'draft'::status) OR (tags IS NOT NULL))), CREATE INDEX posts_id_idx ON public.posts USING btree (id) WHERE (status = 'live'::status), CREATE INDEX posts_status_idx ON public.posts USING btree (status)"
	runSteps(t, []migrationStep{
		{enumSpec("draft, live, gone"), "values {draft,live,gone}; rows draft:{live} live:{draft,live}; default 'live'::status; " + kept},
		{enumSpec("live, archived, draft"), "values {live,archived,draft}; rows live:{draft,live} draft:{live}; default 'live'::status; " + kept},
	}, func(db *testDB) string {
		// The first call adds the rows every later one reads.
		if _, err := db.pool.Exec(ctx, `INSERT INTO posts (status, tags) SELECT * FROM (VALUES ('draft'::status, '{live}'::status[]), ('live', '{draft,live}')) v WHERE NOT EXISTS (SELECT 1 FROM posts)`); err != nil {
			t.Fatal(err)
		}
		var values, rows, def, kept string
		if err := db.pool.QueryRow(ctx, `SELECT enum_range(NULL::status)::text,
			(SELECT string_agg(format('%s:%s', status, tags), ' ' ORDER BY status) FROM posts),
			(SELECT column_default FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'status'),
			(SELECT string_agg(n, ', ' ORDER BY n) FROM (SELECT pg_get_indexdef(indexrelid) AS n FROM pg_index WHERE indrelid = 'posts'::regclass AND NOT indisprimary AND indisvalid
				UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'posts'::regclass AND contype = 'c' AND convalidated) d)`).Scan(&values, &rows, &def, &kept); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("values %s; rows %s; default %s; %s", values, rows, def, kept)
	})
}

// TestEnumValueDroppedWithItsDefault drops the value a column's default
// names and gives the column another default in the same change
// (Formbricks's SurveyType lost web, the default of Survey.type, which
// became app): the converted column takes the new default, where setting
// the old one again failed ("invalid input value for enum"); the down
// migration gives back the old type and default.
func TestEnumValueDroppedWithItsDefault(t *testing.T) {
	ctx := context.Background()
	spec := func(values, def string) []byte {
		return []byte("enums:\n  kind: [" + values + "]\ntables:\n  surveys:\n    columns:\n" +
			"      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      kind: {type: kind, default: " + def + "}\n" +
			"      kinds: {type: \"kind[]\", default: [" + def + "]}\n")
	}
	runSteps(t, []migrationStep{
		{spec("web, link, app", "web"), "values {web,link,app}; defaults 'web'::kind '{web}'::kind[]; rows link:{link}"},
		{spec("link, app", "app"), "values {link,app}; defaults 'app'::kind '{app}'::kind[]; rows link:{link}"},
	}, func(db *testDB) string {
		if _, err := db.pool.Exec(ctx, `INSERT INTO surveys (kind, kinds) SELECT 'link', '{link}' WHERE NOT EXISTS (SELECT 1 FROM surveys)`); err != nil {
			t.Fatal(err)
		}
		var values, defs, rows string
		if err := db.pool.QueryRow(ctx, `SELECT enum_range(NULL::kind)::text,
			(SELECT string_agg(column_default, ' ' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'surveys' AND column_name IN ('kind', 'kinds')),
			(SELECT string_agg(format('%s:%s', kind, kinds), ' ') FROM surveys)`).Scan(&values, &defs, &rows); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("values %s; defaults %s; rows %s", values, defs, rows)
	})
}

// TestTwoEnumsReplacedInOneMigration: two enums that each lose a value
// in one change (Trigger.dev's WorkflowRunStatus and WorkflowRunStepType)
// are each replaced, and the down migration gives back both old types,
// each under its own name, with the column's default: the reverse of the
// second enum's rename overwrote the first's, which left the first type
// under its aside name and its column without a default.
func TestTwoEnumsReplacedInOneMigration(t *testing.T) {
	ctx := context.Background()
	spec := func(status, step string) []byte {
		return []byte("enums:\n  run_status: [" + status + "]\n  step_type: [" + step + "]\ntables:\n  runs:\n    columns:\n" +
			"      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      status: {type: run_status, default: pending}\n" +
			"      step: {type: step_type, default: output}\n")
	}
	runSteps(t, []migrationStep{
		{spec("pending, running, interrupted", "log, output, interruption"),
			"run_status {pending,running,interrupted}; step_type {log,output,interruption}; status run_status 'pending'::run_status; step step_type 'output'::step_type; rows running/log"},
		{spec("pending, running, disconnected", "output, log"),
			"run_status {pending,running,disconnected}; step_type {output,log}; status run_status 'pending'::run_status; step step_type 'output'::step_type; rows running/log"},
	}, func(db *testDB) string {
		if _, err := db.pool.Exec(ctx, `INSERT INTO runs (status, step) SELECT 'running', 'log' WHERE NOT EXISTS (SELECT 1 FROM runs)`); err != nil {
			t.Fatal(err)
		}
		var status, step, cols, rows string
		if err := db.pool.QueryRow(ctx, `SELECT enum_range(NULL::run_status)::text, enum_range(NULL::step_type)::text,
			(SELECT string_agg(format('%s %s %s', column_name, udt_name, column_default), '; ' ORDER BY column_name) FROM information_schema.columns
				WHERE table_name = 'runs' AND column_name IN ('status', 'step')),
			(SELECT string_agg(format('%s/%s', status, step), ' ') FROM runs)`).Scan(&status, &step, &cols, &rows); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("run_status %s; step_type %s; %s; rows %s", status, step, cols, rows)
	})
}

// TestEnumReplacementFindings: dropping a value fails while rows hold it
// and breaks code that still writes it; reordering loses nothing. Both
// rewrite the tables.
func TestEnumReplacementFindings(t *testing.T) {
	p := newProject(t, "golang-migrate")
	p.setSpec(enumSpec("draft, live, gone"))
	if res := p.diff("init", false); res.Blocked {
		t.Fatalf("init: %s", report(res))
	}
	for _, tc := range []struct{ values, want string }{
		{"draft, live", "CPC105 CPC105 CPC506 CPC506 CPC401 CPC401"},
		{"live, draft, gone", "CPC401 CPC401"},
		{"draft, live, gone, archived", ""},
	} {
		p.setSpec(enumSpec(tc.values))
		res := p.diff("change", false)
		var got []string
		for _, f := range res.Findings {
			if f.Kind != "lint" {
				got = append(got, f.Code)
			}
		}
		if strings.Join(got, " ") != tc.want || res.Blocked != (tc.want != "") {
			t.Errorf("[%s]: findings %q (blocked %v), want %q\n%s", tc.values, got, res.Blocked, tc.want, report(res))
		}
	}
}

// TestEnumDrift: a database whose enum has the migrations' values in
// another order is drift check --url reports, not a schema that matches;
// one with a value more (a down migration cannot drop the value its up
// migration added) is not.
func TestEnumDrift(t *testing.T) {
	s := func(values ...string) *schema.Schema {
		return schema.New("public").AddObjects(&schema.EnumType{T: "status", Values: values})
	}
	if _, err := migration.Drift(s("live", "draft"), s("draft", "live")); err == nil || !strings.Contains(err.Error(), `enum type "status" has its values in another order`) {
		t.Errorf("values in another order: %v", err)
	}
	if _, err := migration.Drift(s("draft", "live", "gone"), s("draft", "live")); err != nil {
		t.Errorf("a value left by a down migration: %v", err)
	}
}

// TestEnumValueAppliesAgain: the migration adding an enum value runs
// again after its down migration, which leaves the value.
func TestEnumValueAppliesAgain(t *testing.T) {
	ctx := context.Background()
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	m := func() *runmigrate.Migrator {
		m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for i, values := range []string{"draft, live", "draft, live, gone"} {
		p.setSpec(enumSpec(values))
		if res := p.diff(fmt.Sprintf("v%d", i), true); res.Blocked {
			t.Fatal(report(res))
		}
		if _, err := m().Up(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m().Down(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := m().Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
}

// enumUsesSpec declares the enum mood with values, the table people
// with a column of it, and SQL objects that use the type: a view reading
// the column, functions taking and returning it, a procedure taking it,
// a domain and a composite type over it (kind other, as objects created
// after the tables), and a function over the domain.
func enumUsesSpec(values string) []byte {
	return []byte("enums:\n  mood: [" + values + "]\ntables:\n  people:\n    columns:\n" +
		"      id: {type: bigint, primary_key: true, identity: true}\n" +
		"      feeling: {type: mood, default: happy}\n" +
		"sql_objects:\n" +
		"  - {name: moods, kind: view, depends_on: [people], sql: \"CREATE VIEW moods AS SELECT id, feeling FROM people\"}\n" +
		"  - {name: cheerful, kind: function, sql: \"CREATE FUNCTION cheerful(m mood) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN m = 'happy'\"}\n" +
		"  - {name: usual_mood, kind: function, sql: \"CREATE FUNCTION usual_mood() RETURNS mood LANGUAGE sql IMMUTABLE RETURN 'meh'::mood\"}\n" +
		"  - {name: cheer, kind: procedure, depends_on: [people], sql: \"CREATE PROCEDURE cheer(p bigint, m mood) LANGUAGE sql AS $$ UPDATE people SET feeling = m WHERE id = p $$\"}\n" +
		"  - {name: not_sad, kind: other, sql: \"CREATE DOMAIN not_sad AS mood CHECK (VALUE <> 'sad')\", drop: DROP DOMAIN not_sad}\n" +
		"  - {name: mood_pair, kind: other, sql: \"CREATE TYPE mood_pair AS (was mood, now mood)\", drop: DROP TYPE mood_pair}\n" +
		"  - {name: brighten, kind: function, depends_on: [not_sad], sql: \"CREATE FUNCTION brighten(m not_sad) RETURNS not_sad LANGUAGE sql IMMUTABLE RETURN m\"}\n")
}

// TestEnumReplacementCarriesObjects drops a value of an enum that SQL
// objects use and reorders the others: the objects bound to the type (a
// view of a column of it, functions, a procedure, a domain, a composite
// type, and the function over the domain) are dropped before the type is
// replaced and created again after, so they use the new type; the rows
// keep their values. The down migration gives the old type back, and the
// objects with it.
func TestEnumReplacementCarriesObjects(t *testing.T) {
	ctx := context.Background()
	const objects = "brighten(m not_sad) not_sad, cheer(IN p bigint, IN m mood) , cheerful(m mood) boolean, usual_mood() mood; mood_pair (was mood, now mood); not_sad mood"
	runSteps(t, []migrationStep{
		{enumUsesSpec("sad, happy, meh, gone"), "values {sad,happy,meh,gone}; rows sad:f happy:t meh:f; usual meh; pair (sad,happy); brighten happy; " + objects},
		{enumUsesSpec("meh, happy, sad"), "values {meh,happy,sad}; rows meh:f happy:t sad:f; usual meh; pair (sad,happy); brighten happy; " + objects},
	}, func(db *testDB) string {
		// The first call adds the rows every later one reads.
		if _, err := db.pool.Exec(ctx, `INSERT INTO people (feeling) SELECT * FROM (VALUES ('sad'::mood), ('happy'), ('meh')) v WHERE NOT EXISTS (SELECT 1 FROM people)`); err != nil {
			t.Fatal(err)
		}
		var values, rows, usual, pair, brighten, fns, attrs, domain string
		if err := db.pool.QueryRow(ctx, `SELECT enum_range(NULL::mood)::text,
			(SELECT string_agg(format('%s:%s', feeling, cheerful(feeling)), ' ' ORDER BY feeling) FROM moods),
			usual_mood()::text, ROW('sad', 'happy')::mood_pair::text, brighten('happy')::text,
			(SELECT string_agg(format('%s(%s) %s', proname, pg_get_function_arguments(oid), pg_get_function_result(oid)), ', ' ORDER BY proname) FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
			(SELECT format('(%s)', string_agg(format('%s %s', attname, format_type(atttypid, atttypmod)), ', ' ORDER BY attnum)) FROM pg_attribute WHERE attrelid = 'mood_pair'::regclass),
			(SELECT format_type(typbasetype, typtypmod) FROM pg_type WHERE typname = 'not_sad')`).Scan(&values, &rows, &usual, &pair, &brighten, &fns, &attrs, &domain); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("values %s; rows %s; usual %s; pair %s; brighten %s; %s; mood_pair %s; not_sad %s", values, rows, usual, pair, brighten, fns, attrs, domain)
	})
}

// TestEnumReplacementRefusesEarlyUse: an object created before the
// tables that uses an enum whose values go or move would be created
// again before the type is replaced, over the old one: the plan is
// refused, naming the object and what to do.
func TestEnumReplacementRefusesEarlyUse(t *testing.T) {
	spec := func(values string) []byte {
		return []byte("enums:\n  mood: [" + values + "]\ntables:\n  people:\n    columns:\n      id: {type: bigint, primary_key: true}\n" +
			"sql_objects:\n  - {name: glum, kind: function, before_tables: true, sql: \"CREATE FUNCTION glum() RETURNS mood LANGUAGE sql IMMUTABLE RETURN 'sad'::mood\"}\n")
	}
	p := newProject(t, "golang-migrate")
	p.setSpec(spec("sad, happy"))
	if res := p.diff("init", true); res.Blocked {
		t.Fatal(report(res))
	}
	p.setSpec(spec("happy, sad"))
	dir, err := migration.ReadDir(p.root, "migrations", p.format)
	if err != nil {
		t.Fatal(err)
	}
	_, err = migration.Diff(p.build(), dir, migration.Options{Name: "reorder", AllowDestructive: true, AllowBreaking: true, AllowRewrite: true})
	if err == nil || !strings.Contains(err.Error(), `function "glum" uses enum type "mood"`) || !strings.Contains(err.Error(), "before_tables") {
		t.Errorf("err = %v, want the refusal naming function glum", err)
	}
}

// TestEnumValueInArrayLiteral adds a value to an enum and uses it, in
// the same migration, only inside array literals: a column's default
// ('{ok,happy}'::mood[]) and a check ('{"not fine"}', a label with a
// space). Each value is added in a step of its own before them, as
// PostgreSQL refuses a value added in the same transaction ("unsafe use
// of new value"), and the migration applies.
func TestEnumValueInArrayLiteral(t *testing.T) {
	ctx := context.Background()
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	spec := func(values, def, check string) []byte {
		return []byte("enums:\n  mood: [" + values + "]\ntables:\n  people:\n    columns:\n" +
			"      id: {type: bigint, primary_key: true, identity: true}\n" +
			"      moods: {type: \"mood[]\", default: {sql: \"" + def + "\"}}\n" +
			"      was: {type: \"mood[]\", nullable: true}\n" +
			"    checks: [{name: was_known, expr: \"" + check + "\"}]\n")
	}
	steps := [][]byte{
		spec("happy, sad", `'{happy}'::mood[]`, `was <> '{}'::mood[]`),
		spec("happy, ok, sad, not fine", `'{ok,happy}'::mood[]`, `was <> '{\"not fine\"}'::mood[]`),
	}
	for i, s := range steps {
		p.setSpec(s)
		if res := p.diff(fmt.Sprintf("v%d", i), true); res.Blocked {
			t.Fatal(report(res))
		}
		m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	var moods string
	if err := db.pool.QueryRow(ctx, "INSERT INTO people DEFAULT VALUES RETURNING moods::text").Scan(&moods); err != nil {
		t.Fatal(err)
	}
	if moods != "{ok,happy}" {
		t.Errorf("default = %s, want {ok,happy}", moods)
	}
}
