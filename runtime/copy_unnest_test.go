package runtime_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
)

// unnestNote is an insert struct as generated: a required uuid, numeric,
// text and named string, a nullable text, an optional time, and a
// nullable text with a default (bound as whether it is set and its value).
type unnestNote struct {
	Owner  uuid.UUID
	Amount decimal.Decimal
	Title  string
	Mood   mood
	Note   runtime.Null[string]
	At     runtime.Opt[time.Time]
	Tag    runtime.Opt[runtime.Null[string]]
}

func argsUnnestNote(n *unnestNote, d []any) []any {
	return append(d, &n.Owner, &n.Amount, &n.Title, &n.Mood, &n.Note, n.At.Arg(), n.Tag.Set, &n.Tag.Value)
}

const sqlUnnestNotes = `INSERT INTO unnest_notes (owner, amount, title, mood, note, at, tag)
SELECT u.c1, u.c2, u.c3, u.c4, u.c5, COALESCE(u.c6, '2000-01-01T00:00:00Z'), CASE WHEN u.c7 THEN u.c8 ELSE 'none' END
FROM unnest($1::uuid[], $2::numeric(18,2)[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[], $8::text[]) WITH ORDINALITY AS u(c1, c2, c3, c4, c5, c6, c7, c8, ord)
ORDER BY u.ord
RETURNING format('%s %s %s %s %s %s %s', owner, amount, title, mood, coalesce(note, '<null>'), at, coalesce(tag, '<null>'))`

// TestUnnestArrays inserts rows through the arrays Unnest builds from
// Create's arguments, in every exec mode (the simple protocol and exec
// modes do not know the parameters' types), with NULLs, unset optional
// fields and a column that is NULL in every row.
func TestUnnestArrays(t *testing.T) {
	ctx := testContext(t)
	schema := `CREATE TABLE unnest_notes (owner uuid NOT NULL, amount numeric(18,2) NOT NULL, title text NOT NULL,
		mood text NOT NULL, note text, at timestamptz NOT NULL, tag text DEFAULT 'none')`
	owner := uuid.MustParse("6f1c2a4e-0000-4000-8000-000000000001")
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	rows := []unnestNote{
		{Owner: owner, Amount: decimal.RequireFromString("12.5"), Title: "a", Mood: "happy", Note: runtime.NullOf("n"), At: runtime.Set(at), Tag: runtime.SetNullable("x")},
		{Owner: owner, Amount: decimal.RequireFromString("-1"), Title: "b", Mood: "so-so"},
		{Owner: owner, Amount: decimal.Zero, Title: "c", Mood: "so-so", Tag: runtime.SetNull[string]()},
	}
	want := []string{
		"6f1c2a4e-0000-4000-8000-000000000001 12.50 a happy n 2024-05-06 07:08:09+00 x",
		"6f1c2a4e-0000-4000-8000-000000000001 -1.00 b so-so <null> 2000-01-01 00:00:00+00 none",
		"6f1c2a4e-0000-4000-8000-000000000001 0.00 c so-so <null> 2000-01-01 00:00:00+00 <null>",
	}
	modes := []runtime.StatementMode{runtime.StatementModePrepared, runtime.StatementModeDescribe, runtime.StatementModeExec, runtime.StatementModeSimple}
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			db := openDB(t, runtime.Config{StatementMode: mode}, schema)
			err := runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, "SET LOCAL TIME ZONE 'UTC'"); err != nil {
					return err
				}
				for _, in := range [][]unnestNote{rows, rows[1:2]} { // the second: at and tag unset in every row
					res, err := tx.Query(ctx, sqlUnnestNotes, runtime.Unnest(argsUnnestNote, in)...)
					if err != nil {
						return err
					}
					got, err := pgx.CollectRows(res, pgx.RowTo[string])
					if err != nil {
						return err
					}
					if w := want[:len(in)]; len(in) == 1 {
						w = want[1:2]
						if !slices.Equal(got, w) {
							return fmt.Errorf("inserted %q, want %q", got, w)
						}
					} else if !slices.Equal(got, w) {
						return fmt.Errorf("inserted %q, want %q", got, w)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("%v (%#v)", err, errors.Unwrap(err))
			}
		})
	}
}
