package runtime_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestCacheConfigFromEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv("DATABASE_URL", "postgres://app@pgbouncer:6432/app")
	t.Setenv("CPCGEN_POOLER", "pgbouncer")
	t.Setenv("CPCGEN_CACHE", "on")
	t.Setenv("CPCGEN_CACHE_MAX_ENTRIES", "5000")
	t.Setenv("CPCGEN_CACHE_TTL", "10m")
	t.Setenv("CPCGEN_CACHE_LISTENER_URL", "postgres://app:s3cret@db:5432/app")
	t.Setenv("CPCGEN_CACHE_LISTENER_PING", "2s")
	got, err := runtime.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := runtime.CacheConfig{Enabled: true, MaxEntries: 5000, TTL: 10 * time.Minute, ListenerURL: "postgres://app:s3cret@db:5432/app", ListenerPing: 2 * time.Second}
	if diff := cmp.Diff(want, got.Cache); diff != "" {
		t.Errorf("Cache (-want +got):\n%s", diff)
	}
	s := got.String()
	if strings.Contains(s, "s3cret") || !strings.Contains(s, "Cache: {Enabled: true, MaxEntries: 5000, TTL: 10m0s, ListenerURL:") {
		t.Errorf("String: %s", s)
	}
}

func TestCacheConfigProblems(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"bad values", map[string]string{"CPCGEN_CACHE": "maybe", "CPCGEN_CACHE_MAX_ENTRIES": "many", "CPCGEN_CACHE_TTL": "10", "CPCGEN_CACHE_LISTENER_PING": "-1s"},
			[]string{`CPCGEN_CACHE: invalid boolean "maybe"`, `CPCGEN_CACHE_MAX_ENTRIES: invalid integer "many"`, `CPCGEN_CACHE_TTL: invalid duration "10"`, "Cache.ListenerPing (CPCGEN_CACHE_LISTENER_PING) must not be negative"}},
		{"pooler without listener", map[string]string{"CPCGEN_CACHE": "true", "CPCGEN_POOLER": "pgbouncer"},
			[]string{"set Cache.ListenerURL (CPCGEN_CACHE_LISTENER_URL) to a connection string of the server itself"}},
		{"bad listener URL", map[string]string{"CPCGEN_CACHE_LISTENER_URL": "postgres://a:b@host:notaport/x"},
			[]string{"Cache.ListenerURL (CPCGEN_CACHE_LISTENER_URL) is not a valid connection string"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("DATABASE_URL", "postgres://app@db/app")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, err := runtime.ConfigFromEnv()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), ":b@") {
				t.Errorf("the error shows a password: %v", err)
			}
		})
	}
}

// sharedStub is a runtime.Cache for the config test only.
type sharedStub struct{ runtime.Cache }

func TestCacheSharedNeedsEnabled(t *testing.T) {
	_, err := runtime.Open(context.Background(), runtime.Config{URL: "postgres://app@127.0.0.1:1/app", Cache: runtime.CacheConfig{Shared: sharedStub{}}})
	if err == nil || !strings.Contains(err.Error(), "Cache.Shared is set but caching is off") {
		t.Errorf("Open: %v", err)
	}
}
