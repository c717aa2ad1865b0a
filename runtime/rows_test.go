package runtime_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

type collected struct {
	N    int64
	Text *string
}

func scanCollected(row pgx.Row, v *collected) error { return row.Scan(&v.N, &v.Text) }

func TestCollectRows(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{})
	const q = `SELECT n, CASE WHEN n % 2 = 0 THEN 'even' END FROM generate_series(1, $1::int) AS n`

	for _, capacity := range []int{0, 3, 1000, -1} {
		rows, err := db.Query(ctx, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		items, err := runtime.CollectRows(rows, nil, capacity, scanCollected)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 5 || items[0].N != 1 || items[0].Text != nil || items[1].Text == nil || *items[1].Text != "even" || items[4].N != 5 {
			t.Fatalf("capacity %d: %+v", capacity, items)
		}
		if cap(items) > 256 {
			t.Errorf("capacity %d: %d rows preallocated, want at most 256", capacity, cap(items))
		}
	}

	rows, err := db.Query(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	items, err := runtime.CollectRows(rows, nil, 10, scanCollected)
	if err != nil || items == nil || len(items) != 0 {
		t.Fatalf("no rows: %#v, %v", items, err)
	}

	boom := errors.New("boom")
	rows, err = db.Query(ctx, q, 3)
	if err != nil {
		t.Fatal(err)
	}
	items, err = runtime.CollectRows(rows, nil, 0, func(row pgx.Row, v *collected) error {
		if err := scanCollected(row, v); err != nil {
			return err
		}
		if v.N == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || items != nil {
		t.Fatalf("scan error: %v, %v", items, err)
	}
	// The connection went back to the pool: the rows were closed.
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}
