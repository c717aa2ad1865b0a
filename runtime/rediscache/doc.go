// Package rediscache keeps cpcgen's row caches in Redis, shared by every
// instance of an application, in place of the in-process caches: a row
// one instance read is a hit for all of them, and the writing instance
// drops the keys it wrote in Redis itself, before its write returns.
// The core runtime does not import Redis; this package adds it.
//
//	shared, err := rediscache.Open("redis://cache:6379/0", rediscache.Options{})
//	if err != nil { … }
//	defer shared.Close()
//	db, err := runtime.Open(ctx, runtime.Config{
//		URL:   url,
//		Cache: runtime.CacheConfig{Enabled: true, Shared: shared},
//	})
//
// or, from the environment (CPCGEN_CACHE=on, CPCGEN_CACHE_REDIS_URL):
//
//	cfg, err := runtime.ConfigFromEnv()
//	…
//	shared, err := rediscache.FromEnv(&cfg) // sets cfg.Cache.Shared when CPCGEN_CACHE_REDIS_URL is set
//
// Every read is one round trip running a Lua script, which also takes
// the memcache-style lease of a miss: a fill stores its row only if no
// invalidation (and no flush) reached the key since the miss, so a row
// read before a write committed is never stored after the write's
// invalidation. Flushes bump an epoch that is part of every key, so
// they are O(1); the entries they leave behind expire with their time
// to live. Use a Redis of its own for the cache, or one whose
// maxmemory-policy evicts (allkeys-lru), and give each database its own
// Options.Prefix: two databases under one prefix would read each
// other's rows.
//
// The scripts name keys they compute, so they need a single Redis
// server (or a replicated primary), not Redis Cluster.
//
// Tests start a throwaway redis-server with the sub-package redistest.
package rediscache
