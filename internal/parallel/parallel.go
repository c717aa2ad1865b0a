package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For runs fn(0) … fn(n-1) on min(GOMAXPROCS, n) goroutines, which take
// the indexes in order, and returns when every call has returned.
func For(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
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
