package migration_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// castSpec declares posts with the columns' types given.
func castSpec(status, views, flag, ref, n string) []byte {
	return []byte(fmt.Sprintf("enums:\n  status: [draft, live]\ntables:\n  posts:\n    columns:\n"+
		"      id: {type: bigint, primary_key: true, identity: true}\n"+
		"      status: {type: %s, default: draft}\n      views: {type: %s}\n      flag: {type: %s}\n      ref: {type: %s, nullable: true}\n"+
		"      n: {type: %q, default: 0}\n",
		status, views, flag, ref, n))
}

// TestTypeChangesCast changes columns to types their values reach only
// by an explicit cast (text to an enum with a default, text to integer,
// integer to boolean, text to uuid, bigint to numeric with its default
// kept): the migration converts them with USING, dropping a default
// before and setting it after, and the down migration converts them back
// the same way. The default dropped only around the conversion is no
// finding of its own.
func TestTypeChangesCast(t *testing.T) {
	ctx := context.Background()
	runSteps(t, []migrationStep{
		{castSpec("text", "text", "integer", "text", "bigint"), "text text integer text bigint: live 12 1 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 5 default 'draft'::text 0"},
		{castSpec("status", "integer", "boolean", "uuid", "numeric(20)"), "status integer boolean uuid numeric(20,0): live 12 t a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 5 default 'draft'::status 0"},
	}, func(db *testDB) string {
		// The first call adds the row every later one reads.
		if _, err := db.pool.Exec(ctx, `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM posts) THEN
			INSERT INTO posts (status, views, flag, ref, n) VALUES ('live', '12', 1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 5); END IF; END $$`); err != nil {
			t.Fatal(err)
		}
		var types, values, def, ndef string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT string_agg(format_type(atttypid, atttypmod), ' ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'posts'::regclass AND attnum > 1 AND NOT attisdropped),
			(SELECT format('%s %s %s %s %s', status, views, flag, ref, n) FROM posts),
			(SELECT column_default FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'status'),
			(SELECT column_default FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'n')`).Scan(&types, &values, &def, &ndef); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s: %s default %s %s", types, values, def, ndef)
	})
}

// TestTypeChangeKeepsDefaultQuietly: a conversion that drops the
// column's default only around itself reports no dropped default
// (CPC509).
func TestTypeChangeKeepsDefaultQuietly(t *testing.T) {
	p := newProject(t, "golang-migrate")
	p.setSpec(castSpec("text", "text", "integer", "text", "bigint"))
	if res := p.diff("init", false); res.Blocked {
		t.Fatalf("init: %s", report(res))
	}
	p.setSpec(castSpec("text", "text", "integer", "text", "numeric(20)"))
	res := p.diff("change", false)
	for _, f := range res.Findings {
		if f.Code == "CPC509" {
			t.Errorf("%s", report(res))
		}
	}
}

// TestTypeChangeWithinKindSetsLiteralDefault changes columns to a type
// of the same kind whose quoted literal defaults PostgreSQL would leave
// cast to the old type (Langfuse's prompts.config, jsonb made json, kept
// '{}'::jsonb where a new database has '{}'::json; varchar made text kept
// 'x'::character varying): the migration sets the default again, as the
// down migration does.
func TestTypeChangeWithinKindSetsLiteralDefault(t *testing.T) {
	ctx := context.Background()
	spec := func(config, name string) []byte {
		return []byte(fmt.Sprintf("tables:\n  prompts:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n"+
			"      config: {type: %s, default: \"{}\"}\n      name: {type: %s, default: x}\n", config, name))
	}
	runSteps(t, []migrationStep{
		{spec("jsonb", "varchar"), "'{}'::jsonb 'x'::character varying"},
		{spec("json", "text"), "'{}'::json 'x'::text"},
	}, func(db *testDB) string {
		var config, name string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT column_default FROM information_schema.columns WHERE table_name = 'prompts' AND column_name = 'config'),
			(SELECT column_default FROM information_schema.columns WHERE table_name = 'prompts' AND column_name = 'name')`).Scan(&config, &name); err != nil {
			t.Fatal(err)
		}
		return config + " " + name
	})
}

// TestEnumToOtherKindCasts changes an integer column to an enum, then to
// integer again, and a uuid one to an enum and back, over a row:
// an enum converts to a type of another kind through its text, as the
// other kinds convert to an enum, up and down (OpenStreetMap's
// issues.status, an integer made issue_status_enum, whose down cast the
// enum to integer directly, which PostgreSQL refuses).
func TestEnumToOtherKindCasts(t *testing.T) {
	ctx := context.Background()
	spec := func(level, ref string) []byte {
		return []byte(fmt.Sprintf("enums:\n  level: ['1', '2']\n  ref_kind: [a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11]\ntables:\n  grades:\n    columns:\n"+
			"      id: {type: bigint, primary_key: true, identity: true}\n      level: {type: %q}\n      ref: {type: %q}\n", level, ref))
	}
	runSteps(t, []migrationStep{
		{spec("integer", "uuid"), "integer uuid: 2 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{spec("level", "ref_kind"), "level ref_kind: 2 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{spec("integer", "uuid"), "integer uuid: 2 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
	}, func(db *testDB) string {
		if _, err := db.pool.Exec(ctx, `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM grades) THEN
			INSERT INTO grades (level, ref) VALUES (2, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'); END IF; END $$`); err != nil {
			t.Fatal(err)
		}
		var types, values string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT string_agg(format_type(atttypid, atttypmod), ' ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'grades'::regclass AND attnum > 1 AND NOT attisdropped),
			(SELECT format('%s %s', level, ref) FROM grades)`).Scan(&types, &values); err != nil {
			t.Fatal(err)
		}
		return types + ": " + values
	})
}

// TestScalarToArrayCasts changes a varchar column to text[] and back,
// over a row holding an array literal: a scalar and an array convert
// only through text, by an explicit cast, even when their elements are
// both strings (crates.io's dependencies.features, varchar made text[]).
func TestScalarToArrayCasts(t *testing.T) {
	ctx := context.Background()
	spec := func(typ string) []byte {
		return []byte(fmt.Sprintf("tables:\n  deps:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      features: {type: %q}\n", typ))
	}
	runSteps(t, []migrationStep{
		{spec("varchar"), "character varying: {a,b}"},
		{spec("text[]"), "text[]: {a,b}"},
		{spec("varchar"), "character varying: {a,b}"},
	}, func(db *testDB) string {
		if _, err := db.pool.Exec(ctx, `INSERT INTO deps (features) SELECT '{a,b}' WHERE NOT EXISTS (SELECT 1 FROM deps)`); err != nil {
			t.Fatal(err)
		}
		var typ, value string
		if err := db.pool.QueryRow(ctx, `SELECT format_type(atttypid, atttypmod), (SELECT features::text FROM deps)
			FROM pg_attribute WHERE attrelid = 'deps'::regclass AND attname = 'features'`).Scan(&typ, &value); err != nil {
			t.Fatal(err)
		}
		return typ + ": " + value
	})
}

// TestSerialWidened: a serial column made bigint gets a bigint sequence,
// as a database built from the spec has, and the down gives it back its
// integer one; the table's name needs quoting. ALTER COLUMN TYPE leaves
// the sequence alone: the widened column kept an integer sequence, whose
// nextval fails past 2^31-1 (OpenStreetMap's notes.id, made bigint).
func TestSerialWidened(t *testing.T) {
	ctx := context.Background()
	spec := func(typ string) []byte {
		return []byte(fmt.Sprintf("tables:\n  Notes:\n    columns:\n      id: {type: %s, primary_key: true, serial: true}\n      body: text\n", typ))
	}
	runSteps(t, []migrationStep{
		{spec("integer"), "integer integer"},
		{spec("bigint"), "bigint bigint"},
	}, func(db *testDB) string {
		var col, seq string
		if err := db.pool.QueryRow(ctx, `SELECT format_type(a.atttypid, a.atttypmod), format_type(s.seqtypid, NULL)
			FROM pg_attribute a, pg_sequence s
			WHERE a.attrelid = '"Notes"'::regclass AND a.attname = 'id' AND s.seqrelid = pg_get_serial_sequence('"Notes"', 'id')::regclass`).Scan(&col, &seq); err != nil {
			t.Fatal(err)
		}
		return col + " " + seq
	})
}

// TestUncastableTypeChange: a change to a type PostgreSQL has no cast
// to from the column's (time to timestamp, as Harbor 2.5 converts
// retention_policy.create_time with USING current_date + create_time;
// date to time; integer to uuid; bigint to boolean; a scalar to an array
// of it) is refused, naming the column and the ways to do it, where the
// diff wrote a migration that failed on the server. date to timestamptz,
// integer to boolean, text to an array have a cast and are planned.
func TestUncastableTypeChange(t *testing.T) {
	spec := func(types ...string) []byte {
		s := "tables:\n  policies:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n"
		for i, typ := range types {
			s += fmt.Sprintf("      c%d: {type: %q}\n", i, typ)
		}
		return []byte(s)
	}
	opts := migration.Options{Name: "retype", AllowDestructive: true, AllowBreaking: true, AllowRewrite: true}
	p := newProject(t, "golang-migrate")
	before := []string{"time", "date", "integer", "bigint", "integer", "integer", "text"}
	p.setSpec(spec(before...))
	if res := p.diff("init", true); res.Blocked {
		t.Fatal(report(res))
	}
	for i, c := range []struct{ to, want string }{
		{"timestamp", `column "c0" of table "policies" changes type from time to timestamp, which PostgreSQL has no cast for`},
		{"time", `column "c1" of table "policies" changes type from date to time, which PostgreSQL has no cast for`},
		{"uuid", `column "c2" of table "policies" changes type from integer to uuid, which PostgreSQL has no cast for`},
		{"boolean", `column "c3" of table "policies" changes type from bigint to boolean, which PostgreSQL has no cast for`},
		{"integer[]", `column "c4" of table "policies" changes type from integer to integer[], which PostgreSQL has no cast for`},
	} {
		types := slices.Clone(before)
		types[i] = c.to
		p.setSpec(spec(types...))
		dir, err := migration.ReadDir(p.root, "migrations", p.format)
		if err != nil {
			t.Fatal(err)
		}
		_, err = migration.Diff(p.build(), dir, opts)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "USING <expression>") {
			t.Errorf("%s to %s: err = %v, want the refusal %q", before[i], c.to, err, c.want)
		}
	}
	p.setSpec(spec("time", "timestamptz", "integer", "bigint", "boolean", "integer", "text[]"))
	if res := p.diff("castable", true); res.Blocked {
		t.Fatal(report(res))
	}
}

// TestKeysAroundTypeChanges changes the type of a key referenced by a
// foreign key and of the column referencing it (text to uuid), and
// replaces the unique index a foreign key of two columns kept as SQL
// uses by another, which the key then references: the foreign key is
// dropped before the conversions and added after both sides have their
// new type, and the unique indexes are dropped and built in the schema
// step, around the SQL foreign key, not concurrently before and after it
// (Hatchet's Action.id, made uuid while _ActionToWorker.A and Step's key
// of (actionId, tenantId) referenced it). Up and down, over rows.
func TestKeysAroundTypeChanges(t *testing.T) {
	ctx := context.Background()
	spec := func(typ, key string) []byte {
		return []byte("tables:\n" +
			"  action:\n    columns:\n      id: {type: " + typ + ", primary_key: true}\n      tenant: text\n      name: text\n" +
			"    indexes:\n      - {columns: [tenant, " + key + "], unique: true}\n" +
			"  step:\n    columns:\n      id: {type: bigint, primary_key: true}\n      action: text\n      tenant: text\n" +
			"  worker_action:\n    columns:\n      id: {type: bigint, primary_key: true}\n      a: {type: " + typ + ", references: action.id}\n" +
			"sql_objects:\n  - name: step_action_fkey\n    kind: other\n    depends_on: [step, action]\n" +
			"    sql: ALTER TABLE step ADD CONSTRAINT step_action_fkey FOREIGN KEY (action, tenant) REFERENCES action (" + key + ", tenant)\n" +
			"    drop: ALTER TABLE step DROP CONSTRAINT step_action_fkey\n")
	}
	const id = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
	runSteps(t, []migrationStep{
		{spec("text", "id"), "text text (id,tenant): " + id},
		{spec("uuid", "name"), "uuid uuid (name,tenant): " + id},
	}, func(db *testDB) string {
		if _, err := db.pool.Exec(ctx, `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM action) THEN
			INSERT INTO action VALUES ('`+id+`', 't', '`+id+`');
			INSERT INTO step VALUES (1, '`+id+`', 't');
			INSERT INTO worker_action VALUES (1, '`+id+`'); END IF; END $$`); err != nil {
			t.Fatal(err)
		}
		var types, key, a string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT string_agg(format_type(atttypid, atttypmod), ' ' ORDER BY attrelid::regclass::text) FROM pg_attribute WHERE attrelid = 'action'::regclass AND attname = 'id' OR attrelid = 'worker_action'::regclass AND attname = 'a'),
			(SELECT '(' || string_agg(a.attname, ',' ORDER BY k.n) || ')' FROM pg_constraint c, unnest(c.confkey) WITH ORDINALITY k(attnum, n), pg_attribute a
				WHERE c.conname = 'step_action_fkey' AND a.attrelid = c.confrelid AND a.attnum = k.attnum),
			(SELECT a::text FROM worker_action)`).Scan(&types, &key, &a); err != nil {
			t.Fatal(err)
		}
		return types + " " + key + ": " + a
	})
}

// TestIndexOverRetypedColumn changes a timestamp column to date while its
// index on date(col) becomes one on the column: PostgreSQL reads an
// index's expression anew when it converts the column, so the index is
// dropped before the conversion and built after it, and the down
// migration converts the column back before it makes the old index
// again, which is then date(col) again (crates.io's
// version_downloads.date).
func TestIndexOverRetypedColumn(t *testing.T) {
	spec := func(typ, key string) []byte {
		return []byte("tables:\n  downloads:\n    columns:\n      id: {type: bigint, primary_key: true}\n      day: " + typ + "\n" +
			"    indexes:\n      - {name: downloads_day_idx, columns: [" + key + "]}\n")
	}
	runSteps(t, []migrationStep{
		{spec("timestamp", `{expr: "date(day)"}`), "timestamp without time zone: (date(day))"},
		{spec("date", "day"), "date: (day)"},
	}, func(db *testDB) string {
		var typ, def string
		if err := db.pool.QueryRow(context.Background(), `SELECT format_type(atttypid, atttypmod), regexp_replace(pg_get_indexdef('downloads_day_idx'::regclass), '.*USING btree ', '')
			FROM pg_attribute WHERE attrelid = 'downloads'::regclass AND attname = 'day'`).Scan(&typ, &def); err != nil {
			t.Fatal(err)
		}
		return typ + ": " + def
	})
}
