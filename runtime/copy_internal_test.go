package runtime

import (
	"testing"
	"time"
)

// TestCopySourceViews checks that the row source hands pgx, for every
// value, what copyView makes of it, while it learns each column's view
// from its first value that is not nil: text, nullable text, the other
// views copyView knows, values it leaves alone, and a column whose
// first values are nil.
func TestCopySourceViews(t *testing.T) {
	type row struct {
		s  string
		ns Null[string]
		i  int64
		ni Null[int64]
		o  Opt[string]
		u  [16]byte
		at time.Time
	}
	rows := []row{
		{s: "a", ns: Null[string]{V: "x", Valid: true}, i: 1},
		{s: "b", ni: Null[int64]{V: 7, Valid: true}},
		{s: "c", ns: Null[string]{V: "y", Valid: true}, o: Opt[string]{Value: "z", Set: true}},
		{s: "d", o: Opt[string]{Value: "w", Set: true}},
	}
	args := func(i int, d []any) []any {
		r := &rows[i]
		return append(d, &r.s, &r.ns, &r.i, &r.ni, r.o.Arg(), &r.u, &r.at)
	}
	s := &copySource{n: len(rows), i: -1, columns: 7, args: args}
	for _, mask := range []uint64{0, 1<<2 | 1<<5} {
		s.reset(0, mask)
		n := 0
		for s.Next() {
			got, err := s.Values()
			if err != nil {
				t.Fatal(err)
			}
			var want []any
			for j, v := range args(s.i, nil) {
				if mask&(1<<j) == 0 {
					want = append(want, copyView(v))
				}
			}
			if len(got) != len(want) {
				t.Fatalf("mask %b, row %d: %d values, want %d", mask, s.i, len(got), len(want))
			}
			for k := range want {
				if got[k] != want[k] {
					t.Errorf("mask %b, row %d, value %d: %#v, want %#v", mask, s.i, k, got[k], want[k])
				}
			}
			n++
		}
		if n != len(rows) {
			t.Errorf("mask %b: %d rows, want %d", mask, n, len(rows))
		}
	}
}
