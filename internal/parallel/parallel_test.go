package parallel

import (
	"sync/atomic"
	"testing"
)

// TestForCallsEachIndexOnce checks that every index is run exactly once,
// for no jobs, fewer jobs than cores and many more.
func TestForCallsEachIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 3, 1000} {
		counts := make([]atomic.Int32, n)
		For(n, func(i int) { counts[i].Add(1) })
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Fatalf("For(%d): index %d ran %d times, want 1", n, i, c)
			}
		}
	}
}
