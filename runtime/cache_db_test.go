package runtime_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

type widget struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

var widgetsCache = runtime.NewCacheTable(runtime.CacheTableSpec[runtime.NoTenant, int64, widget]{
	Table:  "widgets",
	Tenant: runtime.NoTenantKeys,
	Key:    runtime.Int64Keys,
	KeyOf:  func(v *widget) int64 { return v.ID },
})

// findWidget is a cached read by primary key, as generated code does it.
func findWidget(ctx context.Context, db runtime.DBTX, id int64) (widget, error) {
	if v, ok, fill := widgetsCache.Get(ctx, db, runtime.NoTenant{}, id); ok {
		return v, nil
	} else {
		var row widget
		if err := db.QueryRow(fill.Context(ctx), "-- name: widgets.FindByID\nSELECT id, name FROM widgets WHERE id = $1", id).Scan(&row.ID, &row.Name); err != nil {
			fill.Abort()
			return widget{}, runtime.Wrap(err, "widgets.FindByID", "widgets")
		}
		fill.Done(ctx, &row)
		return row, nil
	}
}

// TestCacheLog: the statement log also logs the row caches' events:
// hits and misses at Debug, a lost listener at Warn, its return and the
// flushes at Info. The listener's session carries the application name.
func TestCacheLog(t *testing.T) {
	logger, logs := newLogger(slog.LevelDebug)
	db := openDB(t, runtime.Config{Logger: logger, ApplicationName: "widgets", Cache: runtime.CacheConfig{Enabled: true}},
		"CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL)", "INSERT INTO widgets VALUES (1, 'one')")
	ctx := testContext(t)
	for range 2 {
		if _, err := findWidget(ctx, db, 1); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'widgets (cache listener)'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminated %d listeners: %v", n, err)
	}
	if err := db.SyncCache(ctx); err != nil {
		t.Fatal(err)
	}
	events := map[string]string{}
	for _, l := range logs.lines(t) {
		if l["msg"] != "cache" {
			continue
		}
		ev, _ := l["cache.event"].(string)
		if _, seen := events[ev]; !seen {
			events[ev] = l["level"].(string)
		}
		if ev == "hit" && l["db.table"] != "widgets" {
			t.Errorf("hit line: %v", l)
		}
	}
	for ev, level := range map[string]string{"miss": "DEBUG", "filled": "DEBUG", "hit": "DEBUG", "listener lost": "WARN", "reconnected": "INFO", "flushed": "INFO"} {
		if events[ev] != level {
			t.Errorf("event %q logged at %q, want %q (events: %v)", ev, events[ev], level, events)
		}
	}
}

// TestCacheHealthJSON: the readiness report carries the cache's state.
func TestCacheHealthJSON(t *testing.T) {
	db := openDB(t, runtime.Config{Cache: runtime.CacheConfig{Enabled: true}})
	r := db.Health(testContext(t))
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || r.Cache != runtime.CacheListening || !strings.Contains(string(b), `"cache":"listening"`) {
		t.Errorf("health: %s", b)
	}
	plain := openDB(t, runtime.Config{})
	b, _ = json.Marshal(plain.Health(testContext(t)))
	if strings.Contains(string(b), "cache") {
		t.Errorf("health without caching mentions it: %s", b)
	}
}

// TestCacheListenerURLFails: a listener that cannot connect fails Open
// with a message that says what the listener needs, and no password.
func TestCacheListenerURLFails(t *testing.T) {
	url := pgtest.URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := runtime.Open(ctx, runtime.Config{URL: url, ConnectTimeout: 2 * time.Second,
		Cache: runtime.CacheConfig{Enabled: true, ListenerURL: "postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable"}})
	if err == nil || !strings.Contains(err.Error(), "cache listener") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open: %v", err)
	}
}

// TestCacheListenerIdle: an idle listener checks its connection every
// ListenerPing and keeps listening; invalidations still arrive after
// many idle periods.
func TestCacheListenerIdle(t *testing.T) {
	ctx := testContext(t)
	cfg := runtime.Config{Cache: runtime.CacheConfig{Enabled: true, ListenerPing: 20 * time.Millisecond}}
	a := openDB(t, cfg, "CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL)", "INSERT INTO widgets VALUES (1, 'one')")
	cfg.URL = a.Pool().Config().ConnString()
	b, err := runtime.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for range 2 {
		if _, err := findWidget(ctx, b, 1); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond) // ten idle periods
	w := runtime.Invalidating(a, widgetsCache.Keys(runtime.NoTenant{}, 1))
	if _, err := w.Exec(ctx, "UPDATE widgets SET name = 'two' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := b.SyncCache(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := findWidget(ctx, b, 1); err != nil || v.Name != "two" {
		t.Errorf("after idle periods: %+v, %v", v, err)
	}
	if cs := b.Stats().Cache; cs.Disconnects != 0 || cs.State != runtime.CacheListening {
		t.Errorf("an idle listener: %d disconnects, state %s", cs.Disconnects, cs.State)
	}
}
