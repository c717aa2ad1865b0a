package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For runs fn(0) … fn(n-1) on min(GOMAXPROCS, n) goroutines, which take
// the indexes in order, and returns when every call has returned.
func For(n int, fn func(i int)) { ForWorkers(n, runtime.GOMAXPROCS(0), fn) }

// ForWorkers is For on at most workers goroutines: for work bound by
// something other than the cores (the file system's writes). When that
// is one goroutine or none, the calls run in the caller's, in order.
func ForWorkers(n, workers int, fn func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
