// Package cachetest proves the runtime's row caches against real
// PostgreSQL and Redis servers: repositories written the way the
// generator emits a table with cache: (constant SQL, explicit scans, the
// runtime's cache calls), and the tests and benchmarks that use them —
// several instances under load with a checker of every read, the fill
// race forced step by step, a listener killed mid-load, PgBouncer in
// front of the application's pool, and the costs beside an uncached read
// and hand-written pgx. See docs/caching.md.
package cachetest
