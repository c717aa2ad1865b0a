package runtime_test

import (
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
)

// TestBatchQueryExec queues a statement per row: BatchQuery returns the
// rows in input order, BatchExec counts them, a failing row undoes the
// whole batch, and no rows make no round trip.
func TestBatchQueryExec(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, `CREATE TABLE tagged (id bigint PRIMARY KEY, tags text[] NOT NULL, note text)`)
	type row struct {
		ID   int64
		Tags []string
		Note runtime.Null[string]
	}
	scan := func(v *row, d []any) []any { return append(d, &v.ID, &v.Tags, &v.Note) }
	args := func(n *row, d []any) []any { return append(d, &n.ID, n.Tags) }
	const insert = `INSERT INTO tagged (id, tags, note) VALUES ($1, $2, $3) RETURNING id, tags, note`
	in := []row{{ID: 3, Tags: []string{"a"}}, {ID: 1, Tags: []string{}}, {ID: 2, Tags: []string{"b", "c"}}}
	got, err := runtime.BatchQuery(ctx, db, insert, in, args, scan, "noted")
	if err != nil || len(got) != 3 {
		t.Fatalf("batch query: %+v, %v", got, err)
	}
	for i, v := range got {
		if v.ID != in[i].ID || len(v.Tags) != len(in[i].Tags) || v.Note != runtime.NullOf("noted") {
			t.Errorf("row %d: %+v, want %+v", i, v, in[i])
		}
	}
	// Row 5 is new, row 1 is taken: nothing of the batch stays.
	n, err := runtime.BatchExec(ctx, db, insert, []row{{ID: 5, Tags: []string{}}, {ID: 1, Tags: []string{}}}, args, nil)
	if err == nil || n != 0 {
		t.Fatalf("batch exec over a taken key: %d, %v", n, err)
	}
	if out, err := runtime.BatchQuery(ctx, db, insert, []row{{ID: 6, Tags: []string{}}, {ID: 3, Tags: []string{}}}, args, scan, nil); err == nil || out != nil {
		t.Fatalf("batch query over a taken key: %+v, %v", out, err)
	}
	n, err = runtime.BatchExec(ctx, db, insert, []row{{ID: 7, Tags: []string{"x"}}, {ID: 8, Tags: []string{}}}, args, nil)
	if err != nil || n != 2 {
		t.Fatalf("batch exec: %d, %v", n, err)
	}
	var count int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM tagged`).Scan(&count); err != nil || count != 5 {
		t.Fatalf("rows after the batches: %d, %v (want 3 + 2, none of the failed batches)", count, err)
	}
	if out, err := runtime.BatchQuery(ctx, db, insert, nil, args, scan, nil); err != nil || out == nil || len(out) != 0 {
		t.Fatalf("no rows: %#v, %v", out, err)
	}
	if n, err := runtime.BatchExec(ctx, db, insert, []row{}, args, nil); err != nil || n != 0 {
		t.Fatalf("no rows: %d, %v", n, err)
	}
}
