package migration_test

import (
	"context"
	"fmt"
	"testing"
)

// castSpec declares posts with the columns' types given.
func castSpec(status, views, flag, ref string) []byte {
	return []byte(fmt.Sprintf("enums:\n  status: [draft, live]\ntables:\n  posts:\n    columns:\n"+
		"      id: {type: bigint, primary_key: true, identity: true}\n"+
		"      status: {type: %s, default: draft}\n      views: {type: %s}\n      flag: {type: %s}\n      ref: {type: %s, nullable: true}\n",
		status, views, flag, ref))
}

// TestTypeChangesCast changes columns to types their values reach only
// by an explicit cast (text to an enum with a default, text to integer,
// integer to boolean, text to uuid): the migration converts them with
// USING, and the down migration converts them back the same way.
func TestTypeChangesCast(t *testing.T) {
	ctx := context.Background()
	runSteps(t, []migrationStep{
		{castSpec("text", "text", "integer", "text"), "text text integer text: live 12 1 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 default 'draft'::text"},
		{castSpec("status", "integer", "boolean", "uuid"), "status integer boolean uuid: live 12 t a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 default 'draft'::status"},
	}, func(db *testDB) string {
		// The first call adds the row every later one reads.
		if _, err := db.pool.Exec(ctx, `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM posts) THEN
			INSERT INTO posts (status, views, flag, ref) VALUES ('live', '12', 1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'); END IF; END $$`); err != nil {
			t.Fatal(err)
		}
		var types, values, def string
		if err := db.pool.QueryRow(ctx, `SELECT
			(SELECT string_agg(format_type(atttypid, atttypmod), ' ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'posts'::regclass AND attnum > 1 AND NOT attisdropped),
			(SELECT format('%s %s %s %s', status, views, flag, ref) FROM posts),
			(SELECT column_default FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'status')`).Scan(&types, &values, &def); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s: %s default %s", types, values, def)
	})
}
