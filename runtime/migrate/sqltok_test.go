package migrate

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		sql   string
		noTx  bool
		index *indexTarget
	}{
		{`CREATE INDEX CONCURRENTLY order_status_idx ON "order" ("status")`, true, &indexTarget{Name: "order_status_idx", Table: `"order"`}},
		{"create unique index concurrently if not exists \"Uq\" on only app.Users (lower(email))", true, &indexTarget{Name: "Uq", Table: `"app"."users"`, IfNotExists: true}},
		{"/* c */ CREATE INDEX CONCURRENTLY ON t (x)", true, nil},
		{"CREATE INDEX t_x ON t (x)", false, nil},
		{"DROP INDEX CONCURRENTLY IF EXISTS t_x", true, nil},
		{"REINDEX (VERBOSE) INDEX CONCURRENTLY t_x", true, nil},
		{"REINDEX INDEX t_x", false, nil},
		{"VACUUM (ANALYZE) t", true, nil},
		{"ALTER TYPE mood ADD VALUE 'meh'", false, nil},
		{"ALTER TABLE t VALIDATE CONSTRAINT t_fk", false, nil},
		{"ALTER SYSTEM SET work_mem = '8MB'", true, nil},
		{"SELECT 'CREATE INDEX CONCURRENTLY x ON y (z)'", false, nil},
	}
	for _, c := range cases {
		k := classify(c.sql)
		if k.noTx != c.noTx || !reflect.DeepEqual(k.index, c.index) {
			t.Errorf("classify(%q) = %+v (index %+v), want noTx %v index %+v", c.sql, k, k.index, c.noTx, c.index)
		}
	}
}

func TestParseBackfillUpdate(t *testing.T) {
	u, err := parseBackfillUpdate(`UPDATE "orders" SET "status_v2" = "status"::text, note = 'a WHERE b' WHERE "status_v2" IS DISTINCT FROM "status"::text AND id IN (SELECT id FROM x WHERE y)`)
	if err != nil {
		t.Fatal(err)
	}
	want := updateParts{Table: `"orders"`, Set: `"status_v2" = "status"::text, note = 'a WHERE b'`, Where: `"status_v2" IS DISTINCT FROM "status"::text AND id IN (SELECT id FROM x WHERE y)`}
	if u != want {
		t.Errorf("got %+v\nwant %+v", u, want)
	}
	u, err = parseBackfillUpdate("update app.t set a = b is distinct from c")
	if err != nil || u.Table != `"app"."t"` || u.Set != "a = b is distinct from c" || u.Where != "" {
		t.Errorf("no where: %+v %v", u, err)
	}
	for _, bad := range []string{
		"UPDATE t AS x SET a = 1",
		"UPDATE ONLY t SET a = 1",
		"UPDATE t SET a = s.a FROM s WHERE s.id = t.id",
		"UPDATE t SET a = 1 RETURNING id",
		"WITH s AS (SELECT 1) UPDATE t SET a = 1",
		"DELETE FROM t",
		"UPDATE t SET a = 1 WHERE",
	} {
		if _, err := parseBackfillUpdate(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestMaskLiterals(t *testing.T) {
	got := maskLiterals(`ALTER ROLE app PASSWORD 'hunter2'; SELECT E'it\'s', $$body$$, $f$x$f$, "col", $1 FROM t -- 'c'`)
	want := `ALTER ROLE app PASSWORD '…'; SELECT E'…', $$…$$, $f$…$f$, "col", $1 FROM t -- 'c'`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for cut, want := range map[string]string{
		`SELECT 'a', E'sec\'ret`: `SELECT '…', E'…'`,
		`DO $f$ secret`:          `DO $f$…$f$`,
		`SELECT "a`:              `SELECT "a`,
	} {
		if got := maskLiterals(cut); got != want {
			t.Errorf("cut query %q: got %q, want %q", cut, got, want)
		}
	}
	if strings.Contains(cutQuery(strings.Repeat("x", 400)+"'secret'"), "secret") {
		t.Error("cutQuery kept a literal")
	}
}

func TestDirectives(t *testing.T) {
	ms, err := Load(fstest.MapFS{
		"000001_idx.up.sql": file("-- only a concurrent build: no directive needed\nCREATE INDEX CONCURRENTLY t_x ON t (x);\n"),
		"000002_fill.up.sql": file("-- cpcgen:lock-timeout 2s\n-- fill y\n-- cpcgen:backfill key=id batch=500 pause=20ms lock-timeout=off\nUPDATE t SET y = x * 2 WHERE y IS NULL;\n" +
			"ALTER TABLE t ALTER COLUMN y SET DEFAULT 0;\n"),
		"000003_notes.up.sql": file("-- cpcgen: irreversible: a note, not a directive\nSELECT 1;\n"),
	}, FormatGolangMigrate)
	if err != nil {
		t.Fatal(err)
	}
	if !ms[0].Up.NoTransaction || ms[0].Up.Statements[0].kind.index == nil {
		t.Errorf("a file of one CREATE INDEX CONCURRENTLY: %+v", ms[0].Up)
	}
	fill := ms[1].Up
	if !fill.NoTransaction || fill.LockTimeout != 2*time.Second {
		t.Errorf("backfill file: no-transaction %v, lock timeout %v", fill.NoTransaction, fill.LockTimeout)
	}
	bf := fill.Statements[0].backfill
	if bf == nil || !reflect.DeepEqual(bf.key, []string{"id"}) || bf.batch != 500 || bf.pause != 20*time.Millisecond || bf.lockTimeout != -1 ||
		bf.update.Set != "y = x * 2" || bf.update.Where != "y IS NULL" {
		t.Errorf("backfill directive: %+v", bf)
	}
	if fill.Statements[1].backfill != nil {
		t.Error("the directive applies to the next statement only")
	}
	if ms[2].Up.NoTransaction {
		t.Error("a note made a file no-transaction")
	}
	// A mixed file loads (another tool may have applied it) but is
	// marked for the runner to refuse.
	mixed, err := Load(fstest.MapFS{"1_a.up.sql": file("CREATE TABLE t (x int);\nCREATE INDEX CONCURRENTLY t_x ON t (x);\n")}, FormatGolangMigrate)
	if err != nil || mixed[0].Up.refuse == nil || !strings.Contains(mixed[0].Up.refuse.Error(),
		"1_a.up.sql:2: CREATE INDEX CONCURRENTLY cannot run inside a transaction, but the statement on line 1 needs the file's transaction") {
		t.Errorf("mixed file: %v, %v", mixed[0].Up.refuse, err)
	}

	for _, c := range []struct{ data, want string }{
		{"-- cpcgen:no-transactions\nSELECT 1;\n", "1_a.up.sql:1: unknown directive -- cpcgen:no-transactions"},
		{"-- cpcgen:no-transaction for the index\nSELECT 1;\n", "1_a.up.sql:1: -- cpcgen:no-transaction takes nothing after it"},
		{"-- cpcgen:lock-timeout soon\nSELECT 1;\n", "1_a.up.sql:1: -- cpcgen:lock-timeout: \"soon\" is not a duration"},
		{"-- cpcgen:backfill\nDELETE FROM t;\n", "1_a.up.sql:1: -- cpcgen:backfill: a backfill statement must read UPDATE"},
		{"-- cpcgen:backfill batch=0\nUPDATE t SET a = 1;\n", "batch=0 is not a positive number"},
		{"-- cpcgen:backfill size=5\nUPDATE t SET a = 1;\n", `unknown option "size"`},
		{"UPDATE t SET a = 1;\n-- cpcgen:backfill\n", "1_a.up.sql:2: -- cpcgen:backfill is not followed by a statement"},
	} {
		_, err := Load(fstest.MapFS{"1_a.up.sql": file(c.data)}, FormatGolangMigrate)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.data, err, c.want)
		}
	}
}

func TestBackfillStatement(t *testing.T) {
	b := &backfill{table: `"t"`, keys: []string{`"a"`, `"b"`}, spec: BackfillSpec{Set: "n = n + 1", Where: "n < 5"}}
	got := b.statement([]string{"1", `it's \x`}, []string{"2", "z"})
	want := `UPDATE "t" SET n = n + 1 WHERE ("a", "b") > (E'1', E'it''s \\x') AND ("a", "b") <= (E'2', E'z') AND (n < 5)`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	b = &backfill{table: `"t"`, keys: []string{`"id"`}, spec: BackfillSpec{SQL: "with x as (select 1) INSERT INTO u SELECT id FROM batch"}}
	got = b.statement(nil, []string{"9"})
	want = `WITH batch AS (SELECT "id" FROM "t" WHERE "id" <= E'9'), x as (select 1) INSERT INTO u SELECT id FROM batch`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
