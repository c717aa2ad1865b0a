package parallel

import (
	"sync/atomic"
	"testing"
)

// TestForCallsEachIndexOnce checks that every index is run exactly once,
// for no jobs, fewer jobs than cores and many more, on all cores and on
// a given number of workers (one among them, which runs in the caller).
func TestForCallsEachIndexOnce(t *testing.T) {
	for _, run := range []struct {
		name    string
		forEach func(n int, fn func(i int))
	}{
		{"For", For},
		{"ForWorkers(1)", func(n int, fn func(i int)) { ForWorkers(n, 1, fn) }},
		{"ForWorkers(16)", func(n int, fn func(i int)) { ForWorkers(n, 16, fn) }},
	} {
		for _, n := range []int{0, 1, 3, 1000} {
			counts := make([]atomic.Int32, n)
			run.forEach(n, func(i int) { counts[i].Add(1) })
			for i := range counts {
				if c := counts[i].Load(); c != 1 {
					t.Fatalf("%s(%d): index %d ran %d times, want 1", run.name, n, i, c)
				}
			}
		}
	}
}
