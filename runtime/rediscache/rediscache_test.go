package rediscache_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/rediscache"
	"github.com/cpcgen/cpcgen/runtime/rediscache/redistest"
)

func open(t *testing.T, opts rediscache.Options) (*rediscache.Cache, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	srv := redistest.New(t)
	c, err := rediscache.Open(ctx, srv.URL(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, ctx
}

// get looks one key up and returns its value and lease.
func get(t *testing.T, ctx context.Context, c *rediscache.Cache, table, key string) ([]byte, uint64) {
	t.Helper()
	values, leases, err := c.Get(ctx, table, []string{key})
	if err != nil {
		t.Fatal(err)
	}
	return values[0], leases[0]
}

func fill(t *testing.T, ctx context.Context, c *rediscache.Cache, table, key string, lease uint64, value string) {
	t.Helper()
	if err := c.Fill(ctx, table, []string{key}, []uint64{lease}, [][]byte{[]byte(value)}, 0); err != nil {
		t.Fatal(err)
	}
}

// TestLeases walks the lease protocol: a miss leases its key, a fill
// with the lease stores, an invalidation ends the lease so a late fill
// does not store, another caller's miss gets no lease, and a flush ends
// leases too.
func TestLeases(t *testing.T) {
	c, ctx := open(t, rediscache.Options{})
	const tbl = "items"

	v, lease := get(t, ctx, c, tbl, "1\x001")
	if v != nil || lease == 0 {
		t.Fatalf("first miss: value %q, lease %d; want a lease", v, lease)
	}
	if v, other := get(t, ctx, c, tbl, "1\x001"); v != nil || other != 0 {
		t.Fatalf("second miss: value %q, lease %d; want none: the first holds the key", v, other)
	}
	fill(t, ctx, c, tbl, "1\x001", lease, "row v1")
	if v, _ := get(t, ctx, c, tbl, "1\x001"); string(v) != "row v1" {
		t.Fatalf("after the fill: %q", v)
	}

	// The fill race: miss, invalidation, late fill.
	if err := c.Invalidate(ctx, tbl, []string{"1\x001"}); err != nil {
		t.Fatal(err)
	}
	_, lease = get(t, ctx, c, tbl, "1\x001")
	if err := c.Invalidate(ctx, tbl, []string{"1\x001"}); err != nil {
		t.Fatal(err)
	}
	fill(t, ctx, c, tbl, "1\x001", lease, "stale")
	v, lease2 := get(t, ctx, c, tbl, "1\x001")
	if v != nil {
		t.Fatalf("a fill whose lease an invalidation ended was stored: %q", v)
	}
	// A lease taken after the invalidation is not the old one's.
	fill(t, ctx, c, tbl, "1\x001", lease, "stale")
	if v, _ := get(t, ctx, c, tbl, "1\x001"); v != nil {
		t.Fatalf("an old lease filled over a new one: %q", v)
	}
	fill(t, ctx, c, tbl, "1\x001", lease2, "row v2")
	if v, _ := get(t, ctx, c, tbl, "1\x001"); string(v) != "row v2" {
		t.Fatalf("after the second fill: %q", v)
	}

	// Flushes: a table's, then everything; leases end with them.
	_, lease = get(t, ctx, c, "other", "k")
	if err := c.Flush(ctx, tbl); err != nil {
		t.Fatal(err)
	}
	if v, _ := get(t, ctx, c, tbl, "1\x001"); v != nil {
		t.Fatalf("after a flush of the table: %q", v)
	}
	if err := c.Flush(ctx, ""); err != nil {
		t.Fatal(err)
	}
	fill(t, ctx, c, "other", "k", lease, "from before the flush")
	if v, _ := get(t, ctx, c, "other", "k"); v != nil {
		t.Fatalf("a fill across a flush was stored: %q", v)
	}
	// Lease 0 stores unconditionally (index hints).
	fill(t, ctx, c, "items#slug", "1\x00one", 0, "1")
	if v, _ := get(t, ctx, c, "items#slug", "1\x00one"); string(v) != "1" {
		t.Fatalf("a hint: %q", v)
	}
}

// TestBinaryValuesAndMany stores values with any bytes, several keys per
// call, and keys holding the separators.
func TestBinaryValuesAndMany(t *testing.T) {
	c, ctx := open(t, rediscache.Options{Prefix: "p:"})
	keys := []string{"a", "b:c", "\x00d", "e\tf"}
	values, leases, err := c.Get(ctx, "t:x", keys)
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		if values[i] != nil || leases[i] == 0 {
			t.Fatalf("key %q: %q %d", keys[i], values[i], leases[i])
		}
	}
	rows := [][]byte{{0, 1, 2}, []byte("v"), []byte(""), []byte("l-not-a-lease")}
	if err := c.Fill(ctx, "t:x", keys, leases, rows, time.Minute); err != nil {
		t.Fatal(err)
	}
	values, _, err = c.Get(ctx, "t:x", keys)
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		if string(values[i]) != string(rows[i]) || values[i] == nil {
			t.Errorf("key %q: %q, want %q", keys[i], values[i], rows[i])
		}
	}
	// Another table with a name that shares a prefix is another table.
	if v, _, _ := c.Get(ctx, "t", []string{"x:a"}); v[0] != nil {
		t.Errorf("table t sees table t:x: %q", v[0])
	}
}

// TestOpenErrors: a bad URL or an unreachable server is an error that
// does not show the password.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	_, err := rediscache.Open(ctx, "http://user:hunter2@host/0", rediscache.Options{})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("bad scheme: %v", err)
	}
	_, err = rediscache.Open(ctx, "redis://user:hunter2@127.0.0.1:1/0", rediscache.Options{})
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "cannot reach Redis") {
		t.Errorf("unreachable: %v", err)
	}
}

// TestFromEnv sets Config.Cache.Shared from CPCGEN_CACHE_REDIS_URL, and
// leaves it alone without it.
func TestFromEnv(t *testing.T) {
	srv := redistest.New(t)
	ctx := context.Background()
	var cfg runtime.Config
	t.Setenv(rediscache.EnvRedisURL, "")
	if c, err := rediscache.FromEnv(ctx, &cfg); c != nil || err != nil || cfg.Cache.Shared != nil {
		t.Fatalf("without the variable: %v %v %v", c, err, cfg.Cache.Shared)
	}
	t.Setenv(rediscache.EnvRedisURL, srv.URL())
	c, err := rediscache.FromEnv(ctx, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cfg.Cache.Shared != c {
		t.Errorf("Shared %v, want %v", cfg.Cache.Shared, c)
	}
}

// TestMissingRedisServer: a redis-server that is not there is an error
// naming the variable.
func TestMissingRedisServer(t *testing.T) {
	t.Setenv(redistest.EnvRedisServer, "/nonexistent/redis-server")
	if _, err := redistest.FindRedisServer(); err == nil || !strings.Contains(err.Error(), redistest.EnvRedisServer) {
		t.Errorf("FindRedisServer: %v", err)
	}
}
