package migration_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
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

// TestKeyWidensUnderReference widens the primary key of a table another
// table references and keeps a unique key on the referenced column
// (Hyperswitch-style histories): the unique key is built concurrently
// before the schema step, which makes the reference again on it. The
// down migration gives the old key back and makes the reference again:
// PostgreSQL binds it to the oldest unique index over its columns, the
// unique key, which the down then drops first, so the reference is
// bound to the primary key and the early step's down finds nothing left
// to drop.
func TestKeyWidensUnderReference(t *testing.T) {
	spec := func(key string) []byte {
		return []byte("tables:\n  lines:\n    columns:\n" + key +
			"  pays:\n    columns:\n      id: {type: integer, primary_key: true}\n      line_id: {type: integer, nullable: true, references: lines.id}\n")
	}
	steps := []migrationStep{
		{spec("      id: {type: integer, primary_key: true}\n      x: integer\n"), "lines_pkey p lines_pkey pays_line_id_fkey f lines_pkey pays_pkey p pays_pkey"},
		{spec("      id: {type: integer, unique: true}\n      x: integer\n    primary_key: [id, x]\n"),
			"lines_id_key u lines_id_key lines_pkey p lines_pkey pays_line_id_fkey f lines_id_key pays_pkey p pays_pkey"},
	}
	runSteps(t, steps, keysBound(t))
}

// keysBound returns a state reading the keys and foreign keys of tables
// lines and pays, each with the index it is bound to.
func keysBound(t *testing.T) func(*testDB) string {
	return func(db *testDB) string {
		t.Helper()
		var got string
		if err := db.pool.QueryRow(context.Background(), `
SELECT string_agg(conname || ' ' || contype::text || ' ' || conindid::regclass::text, ' ' ORDER BY conname) FROM pg_constraint
WHERE conrelid IN ('lines'::regclass, 'pays'::regclass) AND contype IN ('p', 'u', 'f')`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
}

// TestKeyChangesUnderReferenceObject changes the primary key of a table
// whose columns a foreign key of several columns, kept as an SQL object,
// references, and keeps a unique key on those columns: PostgreSQL
// refuses to drop the primary key while the foreign key made on it
// stands, so the object is dropped before the key changes and made
// again after, on the unique key; the down migration does the reverse.
func TestKeyChangesUnderReferenceObject(t *testing.T) {
	spec := func(key string) []byte {
		return []byte("tables:\n  lines:\n    columns:\n      a: integer\n      b: integer\n      x: integer\n" + key +
			"  pays:\n    columns:\n      id: {type: integer, primary_key: true}\n      a: {type: integer, nullable: true}\n      b: {type: integer, nullable: true}\n" +
			"sql_objects:\n  - name: pays_a_b_fkey\n    kind: other\n    depends_on: [pays, lines]\n" +
			"    sql: ALTER TABLE pays ADD CONSTRAINT pays_a_b_fkey FOREIGN KEY (a, b) REFERENCES lines(a, b)\n" +
			"    drop: ALTER TABLE pays DROP CONSTRAINT pays_a_b_fkey\n")
	}
	steps := []migrationStep{
		{spec("    primary_key: [a, b]\n"), "lines_pkey p lines_pkey pays_a_b_fkey f lines_pkey pays_pkey p pays_pkey"},
		{spec("    primary_key: [a, b, x]\n    indexes:\n      - {name: lines_a_b_key, columns: [a, b], unique: true, constraint: true}\n"),
			"lines_a_b_key u lines_a_b_key lines_pkey p lines_pkey pays_a_b_fkey f lines_a_b_key pays_pkey p pays_pkey"},
	}
	runSteps(t, steps, keysBound(t))
}

// TestUniqueConstraintBecomesIndexUnderReference turns the unique
// constraint another table references into a plain unique index of the
// same column under another name: PostgreSQL drops the constraint's
// index with it, which it refuses while the reference made on it stands,
// so the reference is dropped before and made again after, on the new
// index, in online and offline plans; the down migrations do the
// reverse.
func TestUniqueConstraintBecomesIndexUnderReference(t *testing.T) {
	spec := func(code string) []byte {
		return []byte("tables:\n  lines:\n    columns:\n      id: {type: integer, primary_key: true}\n" + code +
			"  pays:\n    columns:\n      id: {type: integer, primary_key: true}\n      code: {type: text, nullable: true, references: lines.code}\n")
	}
	steps := []migrationStep{
		{spec("      code: {type: text, unique: true}\n"), "lines_code_key u lines_code_key lines_pkey p lines_pkey pays_code_fkey f lines_code_key pays_pkey p pays_pkey"},
		{spec("      code: text\n    indexes:\n      - {name: lines_code_uidx, columns: [code], unique: true}\n"),
			"lines_pkey p lines_pkey pays_code_fkey f lines_code_uidx pays_pkey p pays_pkey"},
	}
	for _, offline := range []bool{false, true} {
		t.Run(fmt.Sprintf("offline=%v", offline), func(t *testing.T) {
			runStepsWith(t, migration.Options{AllowDestructive: true, AllowBreaking: true, AllowRewrite: true, Offline: offline}, steps, keysBound(t))
		})
	}
}

// TestIndexBecomesConstraintUnderReference makes the plain unique index
// another table references a unique constraint in place (USING INDEX).
// The down migration cannot turn it back in place: PostgreSQL drops the
// index with the constraint, which it refuses while the reference made
// on the index stands, so the down drops the reference before and makes
// it again after, in online and offline plans.
func TestIndexBecomesConstraintUnderReference(t *testing.T) {
	spec := func(constraint string) []byte {
		return []byte("tables:\n  lines:\n    columns:\n      id: {type: integer, primary_key: true}\n      code: text\n" +
			"    indexes:\n      - {name: lines_code_key, columns: [code], unique: true" + constraint + "}\n" +
			"  pays:\n    columns:\n      id: {type: integer, primary_key: true}\n      code: {type: text, nullable: true, references: lines.code}\n")
	}
	steps := []migrationStep{
		{spec(""), "lines_pkey p lines_pkey pays_code_fkey f lines_code_key pays_pkey p pays_pkey"},
		{spec(", constraint: true"), "lines_code_key u lines_code_key lines_pkey p lines_pkey pays_code_fkey f lines_code_key pays_pkey p pays_pkey"},
	}
	for _, offline := range []bool{false, true} {
		t.Run(fmt.Sprintf("offline=%v", offline), func(t *testing.T) {
			runStepsWith(t, migration.Options{AllowDestructive: true, AllowBreaking: true, AllowRewrite: true, Offline: offline}, steps, keysBound(t))
		})
	}
}

// TestIndexBecomesConstraintUnderReferenceObject makes the plain unique
// index a foreign key of several columns, kept as an SQL object,
// references a unique constraint in place: the down migration, which
// drops the constraint and builds the index again, drops the object
// before and makes it again after, in online and offline plans.
func TestIndexBecomesConstraintUnderReferenceObject(t *testing.T) {
	spec := func(constraint string) []byte {
		return []byte("tables:\n  lines:\n    columns:\n      a: integer\n      b: integer\n      x: {type: integer, primary_key: true}\n" +
			"    indexes:\n      - {name: lines_a_b_key, columns: [a, b], unique: true" + constraint + "}\n" +
			"  pays:\n    columns:\n      id: {type: integer, primary_key: true}\n      a: {type: integer, nullable: true}\n      b: {type: integer, nullable: true}\n" +
			"sql_objects:\n  - name: pays_a_b_fkey\n    kind: other\n    depends_on: [pays, lines]\n" +
			"    sql: ALTER TABLE pays ADD CONSTRAINT pays_a_b_fkey FOREIGN KEY (a, b) REFERENCES lines(a, b)\n" +
			"    drop: ALTER TABLE pays DROP CONSTRAINT pays_a_b_fkey\n")
	}
	steps := []migrationStep{
		{spec(""), "lines_pkey p lines_pkey pays_a_b_fkey f lines_a_b_key pays_pkey p pays_pkey"},
		{spec(", constraint: true"), "lines_a_b_key u lines_a_b_key lines_pkey p lines_pkey pays_a_b_fkey f lines_a_b_key pays_pkey p pays_pkey"},
	}
	for _, offline := range []bool{false, true} {
		t.Run(fmt.Sprintf("offline=%v", offline), func(t *testing.T) {
			runStepsWith(t, migration.Options{AllowDestructive: true, AllowBreaking: true, AllowRewrite: true, Offline: offline}, steps, keysBound(t))
		})
	}
}

// TestUniqueConstraintBecomesIndexUnderReferenceObject turns the unique
// constraint a foreign key of several columns, kept as an SQL object,
// references into a plain unique index under another name: PostgreSQL
// drops the constraint's index with it, which it refuses while the key
// made on it stands, so the object is dropped before and made again
// after, on the new index, in online and offline plans.
func TestUniqueConstraintBecomesIndexUnderReferenceObject(t *testing.T) {
	spec := func(index string) []byte {
		return []byte("tables:\n  lines:\n    columns:\n      a: integer\n      b: integer\n      x: {type: integer, primary_key: true}\n" +
			"    indexes:\n      - " + index + "\n" +
			"  pays:\n    columns:\n      id: {type: integer, primary_key: true}\n      a: {type: integer, nullable: true}\n      b: {type: integer, nullable: true}\n" +
			"sql_objects:\n  - name: pays_a_b_fkey\n    kind: other\n    depends_on: [pays, lines]\n" +
			"    sql: ALTER TABLE pays ADD CONSTRAINT pays_a_b_fkey FOREIGN KEY (a, b) REFERENCES lines(a, b)\n" +
			"    drop: ALTER TABLE pays DROP CONSTRAINT pays_a_b_fkey\n")
	}
	steps := []migrationStep{
		{spec("{name: lines_a_b_key, columns: [a, b], unique: true, constraint: true}"), "lines_a_b_key u lines_a_b_key lines_pkey p lines_pkey pays_a_b_fkey f lines_a_b_key pays_pkey p pays_pkey"},
		{spec("{name: lines_a_b_idx, columns: [a, b], unique: true}"), "lines_pkey p lines_pkey pays_a_b_fkey f lines_a_b_idx pays_pkey p pays_pkey"},
	}
	for _, offline := range []bool{false, true} {
		t.Run(fmt.Sprintf("offline=%v", offline), func(t *testing.T) {
			runStepsWith(t, migration.Options{AllowDestructive: true, AllowBreaking: true, AllowRewrite: true, Offline: offline}, steps, keysBound(t))
		})
	}
}
