package migration_test

import (
	"context"
	"testing"
)

// TestNotNullBesideCheckOfItsName sets NOT NULL on a column whose table
// gets, in the same migration, a check of the project's own named as
// the online plan's check would be (users_signed_up_at_not_null, the
// way a history that set NOT NULL by hand through a check leaves it):
// the plan's check takes another name, and the project's stays.
func TestNotNullBesideCheckOfItsName(t *testing.T) {
	spec := func(column, checks string) []byte {
		return []byte("tables:\n  users:\n    columns:\n      id: {type: integer, primary_key: true}\n      signed_up_at: " + column + "\n" + checks)
	}
	steps := []migrationStep{
		{spec("{type: timestamptz, nullable: true}", ""), "YES"},
		{spec("timestamptz", "    checks: [{name: users_signed_up_at_not_null, expr: \"signed_up_at IS NOT NULL\"}]\n"), "NO users_signed_up_at_not_null"},
	}
	runSteps(t, steps, func(db *testDB) string {
		var got string
		if err := db.pool.QueryRow(context.Background(), `
SELECT concat_ws(' ', (SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'signed_up_at'),
  (SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'c'))`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	})
}
