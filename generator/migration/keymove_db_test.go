package migration_test

import (
	"context"
	"testing"
)

// TestKeyMovesUnderReference moves the primary key of a table to the
// column another table references, whose unique key the reference was
// made on (LobeChat's "id_nanoid" move): PostgreSQL binds a foreign key
// to the key it found when it was made and refuses to drop that key
// while the foreign key stands, so the migration drops the reference
// before the old unique key and makes it again after the new primary
// key; the down migration does the reverse.
func TestKeyMovesUnderReference(t *testing.T) {
	spec := func(parent string) []byte {
		return []byte("tables:\n  datasets:\n    columns:\n" + parent +
			"  records:\n    columns:\n      id: {type: integer, primary_key: true}\n      dataset_nid: {type: text, references: datasets.nid}\n")
	}
	steps := []migrationStep{
		{spec("      id: {type: integer, primary_key: true}\n      nid: {type: text, unique: true}\n"), "datasets_nid_key u datasets_pkey p records_dataset_nid_fkey f records_pkey p"},
		{spec("      id: integer\n      nid: {type: text, primary_key: true}\n"), "datasets_pkey p records_dataset_nid_fkey f records_pkey p"},
	}
	runSteps(t, steps, func(db *testDB) string {
		var got string
		if err := db.pool.QueryRow(context.Background(), `
SELECT string_agg(conname || ' ' || contype::text, ' ' ORDER BY conname) FROM pg_constraint
WHERE conrelid IN ('datasets'::regclass, 'records'::regclass) AND contype IN ('p', 'u', 'f')`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	})
}
