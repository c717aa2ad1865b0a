package migration_test

import (
	"context"
	"fmt"
	"testing"
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
