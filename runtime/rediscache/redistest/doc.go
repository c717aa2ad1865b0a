// Package redistest starts a throwaway redis-server for tests, the way
// runtime/pgtest starts PostgreSQL: on 127.0.0.1, on a free port, in a
// temporary directory, with no persistence, stopped and removed when the
// test ends (or when the test process dies).
//
//	func TestSharedCache(t *testing.T) {
//		srv := redistest.New(t) // skips when redis-server is missing; fails under CI=true
//		shared, err := rediscache.Open(ctx, srv.URL(), rediscache.Options{})
//		…
//	}
//
// redis-server is found through CPCGEN_TEST_REDIS_SERVER, on PATH, or at
// /usr/bin/redis-server (Debian/Ubuntu: apt-get install redis-server).
// When the tests run as root, it runs as the OS user redis when there is
// one.
package redistest
