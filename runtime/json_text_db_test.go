package runtime_test

import (
	"cmp"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// A json column keeps its text as written: whitespace, key order and
// duplicate keys (docs/types.md). Pretty-printed JSON with a trailing
// newline, as a file holds it, is the common case.
const notesSchema = `CREATE TABLE notes (id bigint PRIMARY KEY, doc json, docs json[])`

var notesText = []string{
	"{\n  \"a\": 1,\n  \"a\": 2\n}\n",
	`  [1, 2 ,3]  `,
	`"\u00e9 \u0000"`,
	`null`,
}

type noteUpdate struct {
	ID  int64
	Doc runtime.Opt[json.RawMessage]
}

const sqlNotesUpdateMany = `-- name: notes.UpdateMany
WITH "cpcgen_v" AS (SELECT * FROM unnest($1::bigint[], $2::boolean[], $3::json[]) WITH ORDINALITY AS "cpcgen_u"("cpcgen_1", "cpcgen_2", "cpcgen_3", "cpcgen_ord")),
"cpcgen_old" AS MATERIALIZED (SELECT "cpcgen_v"."cpcgen_ord" FROM "cpcgen_v" JOIN "notes" ON "notes"."id" = "cpcgen_v"."cpcgen_1" ORDER BY "cpcgen_v"."cpcgen_ord" FOR UPDATE OF "notes"),
"cpcgen_bad" AS (SELECT "cpcgen_v"."cpcgen_ord", 1 AS "cpcgen_state" FROM "cpcgen_v" LEFT JOIN "cpcgen_old" ON "cpcgen_old"."cpcgen_ord" = "cpcgen_v"."cpcgen_ord" WHERE "cpcgen_old"."cpcgen_ord" IS NULL),
"cpcgen_new" AS (UPDATE "notes" SET "doc" = CASE WHEN "cpcgen_v"."cpcgen_2" THEN "cpcgen_v"."cpcgen_3" ELSE "notes"."doc" END FROM "cpcgen_v" WHERE "notes"."id" = "cpcgen_v"."cpcgen_1" AND NOT EXISTS (SELECT 1 FROM "cpcgen_bad") RETURNING "cpcgen_v"."cpcgen_ord")
SELECT "cpcgen_state", "cpcgen_ord" FROM "cpcgen_bad"`

var bulkNotes = &runtime.Bulk[*noteUpdate]{
	Table: "notes",
	Key:   func(a, b *noteUpdate) int { return cmp.Compare(a.ID, b.ID) },
	Row: func(v *noteUpdate, r *runtime.BulkRow) {
		r.Add(runtime.Elem(&v.ID), runtime.FlagElem(&v.Doc.Set), runtime.Elem(v.Doc.Ptr()))
	},
}

// TestJSONKeptAsWritten: a json value reads back byte for byte, alone
// and in an array, and a batch update writes it as it is. Reading
// trimmed the whitespace around the value (pgx unmarshals into a
// json.RawMessage through encoding/json), and UpdateMany compacted it
// ("{\"a\":1,\"a\":2}"): pgx marshals the *json.RawMessage elements of
// its array through encoding/json.
func TestJSONKeptAsWritten(t *testing.T) {
	for _, mode := range []string{"cache_statement", "exec", "simple_protocol"} {
		t.Run(mode, func(t *testing.T) {
			ctx := testContext(t)
			u := pgtest.URL(t)
			sep := "?"
			if strings.Contains(u, "?") {
				sep = "&"
			}
			db, err := runtime.Open(ctx, runtime.Config{URL: u + sep + "default_query_exec_mode=" + mode})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(db.Close)
			if _, err := db.Exec(ctx, notesSchema); err != nil {
				t.Fatal(err)
			}
			for i, s := range notesText {
				if _, err := db.Exec(ctx, `INSERT INTO notes VALUES ($1, $2::text::json, ARRAY[$2::text::json])`, i, s); err != nil {
					t.Fatal(err)
				}
			}
			check := func(stage string) {
				t.Helper()
				for i, s := range notesText {
					var doc json.RawMessage
					var docs []json.RawMessage
					var text string
					if err := db.QueryRow(ctx, `SELECT doc, docs, doc::text FROM notes WHERE id = $1`, i).Scan(&doc, &docs, &text); err != nil {
						t.Fatalf("%s: %v", stage, err)
					}
					if text != s {
						t.Errorf("%s: row %d holds %q, want %q", stage, i, text, s)
					}
					if string(doc) != s {
						t.Errorf("%s: row %d read %q, want %q", stage, i, doc, s)
					}
					if len(docs) != 1 || string(docs[0]) != s {
						t.Errorf("%s: row %d array read %q, want [%q]", stage, i, docs, s)
					}
				}
			}
			check("inserted")
			var rows []noteUpdate
			for i, s := range notesText {
				rows = append(rows, noteUpdate{ID: int64(i), Doc: runtime.Set(json.RawMessage(s))})
			}
			if _, err := runtime.UpdateMany(ctx, db, bulkNotes, &runtime.Op{Name: "notes.UpdateMany", Table: "notes", SQL: sqlNotesUpdateMany}, rows); err != nil {
				t.Fatal(err)
			}
			check("UpdateMany")
		})
	}
}
