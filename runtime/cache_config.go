package runtime

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// CacheConfig configures the row caches of a DB: read-through caches of
// the by-key reads of tables generated with cache:, invalidated exactly
// by every generated write, in every instance of the application. See
// docs/caching.md.
type CacheConfig struct {
	// Enabled turns the row caches on. Off, cached tables read the
	// database every time; their writes still notify the other
	// instances, so that instances with caching on stay exact.
	Enabled bool
	// MaxEntries bounds the in-process cache of each table (and of each
	// unique-key index), in entries; zero means DefaultCacheMaxEntries.
	// It does not apply to a Shared cache, which bounds itself.
	MaxEntries int
	// TTL is how long an entry lives for tables whose spec gives no ttl:
	// a backstop, since invalidation is exact. Zero means no TTL.
	TTL time.Duration
	// ListenerURL is the connection string of the one session that
	// listens for the invalidations of the other instances (LISTEN
	// cpcgen_cache). Empty means Config.URL. Behind a pooler in
	// transaction pooling mode (Config.Pooler), LISTEN does not work on
	// pooled connections, so it must name the server directly (or a
	// session pooling mode pool): Open refuses a Pooler without it.
	ListenerURL string
	// ListenerPing is how long the listener waits for a notification
	// before it checks that its connection still works (allowing the
	// check at least DefaultCacheListenerPing); a connection found lost
	// flushes the caches. Zero means DefaultCacheListenerPing.
	ListenerPing time.Duration
	// Shared is a cache shared by every instance (runtime/rediscache
	// gives one on Redis), in place of the in-process caches. Code-only;
	// rediscache.FromEnv sets it from CPCGEN_CACHE_REDIS_URL.
	Shared Cache
}

// Defaults of CacheConfig.
const (
	// DefaultCacheMaxEntries bounds each table's in-process cache when
	// CacheConfig.MaxEntries is zero.
	DefaultCacheMaxEntries = 10_000
	// DefaultCacheListenerPing is CacheConfig.ListenerPing's default.
	DefaultCacheListenerPing = 5 * time.Second
)

// The environment variables of CacheConfig.
const (
	envCache             = "CPCGEN_CACHE"
	envCacheMaxEntries   = "CPCGEN_CACHE_MAX_ENTRIES"
	envCacheTTL          = "CPCGEN_CACHE_TTL"
	envCacheListenerURL  = "CPCGEN_CACHE_LISTENER_URL"
	envCacheListenerPing = "CPCGEN_CACHE_LISTENER_PING"
)

// readCacheEnv reads the CacheConfig settings of the environment into c,
// appending a message for each invalid value to errs.
func readCacheEnv(c *CacheConfig) []error {
	var errs []error
	if s := strings.TrimSpace(os.Getenv(envCache)); s != "" {
		b, ok := parseBool(s)
		if !ok {
			errs = append(errs, fmt.Errorf("runtime: config: %s: invalid boolean %q (use true or false)", envCache, s))
		}
		c.Enabled = b
	}
	if s := strings.TrimSpace(os.Getenv(envCacheMaxEntries)); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("runtime: config: %s: invalid integer %q", envCacheMaxEntries, s))
		}
		c.MaxEntries = n
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{envCacheTTL, &c.TTL}, {envCacheListenerPing, &c.ListenerPing}} {
		s := strings.TrimSpace(os.Getenv(d.name))
		if s == "" {
			continue
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("runtime: config: %s: invalid duration %q (use Go syntax such as 10m or 5s)", d.name, s))
			continue
		}
		*d.dst = v
	}
	c.ListenerURL = strings.TrimSpace(os.Getenv(envCacheListenerURL))
	return errs
}

// cacheProblems lists what is wrong with the cache settings of c.
func (c Config) cacheProblems() []FieldError {
	var out []FieldError
	add := func(field, format string, args ...any) {
		out = append(out, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	cc := c.Cache
	if cc.MaxEntries < 0 {
		add("Cache.MaxEntries", "Cache.MaxEntries (%s) must not be negative, got %d", envCacheMaxEntries, cc.MaxEntries)
	}
	if cc.TTL < 0 {
		add("Cache.TTL", "Cache.TTL (%s) must not be negative, got %s", envCacheTTL, cc.TTL)
	}
	if cc.ListenerPing < 0 {
		add("Cache.ListenerPing", "Cache.ListenerPing (%s) must not be negative, got %s", envCacheListenerPing, cc.ListenerPing)
	}
	if cc.ListenerURL != "" {
		if _, err := pgconn.ParseConfig(cc.ListenerURL); err != nil {
			add("Cache.ListenerURL", "Cache.ListenerURL (%s) is not a valid connection string: %s", envCacheListenerURL, parseErrorReason(err, cc.ListenerURL))
		}
	}
	if !cc.Enabled {
		if cc.Shared != nil {
			add("Cache.Shared", "Cache.Shared is set but caching is off: set Cache.Enabled (%s=on) too", envCache)
		}
		return out
	}
	if c.Pooler != "" && cc.ListenerURL == "" {
		add("Cache.ListenerURL", "the row caches need a session that LISTENs for invalidations, which %s in transaction pooling mode (%s) cannot keep: "+
			"set Cache.ListenerURL (%s) to a connection string of the server itself, or of a session pooling mode pool", c.Pooler, envPooler, envCacheListenerURL)
	}
	return out
}

// writeCache adds the cache settings that are set to Config.String's
// output, the listener's connection string with its password masked.
func (c Config) writeCache(b *strings.Builder) {
	cc := c.Cache
	if !cc.Enabled && cc.Shared == nil && cc.ListenerURL == "" {
		return
	}
	fmt.Fprintf(b, ", Cache: {Enabled: %t", cc.Enabled)
	if cc.MaxEntries != 0 {
		fmt.Fprintf(b, ", MaxEntries: %d", cc.MaxEntries)
	}
	if cc.TTL != 0 {
		fmt.Fprintf(b, ", TTL: %s", cc.TTL)
	}
	if cc.ListenerURL != "" {
		fmt.Fprintf(b, ", ListenerURL: %s", strconv.Quote(redactDSN(cc.ListenerURL)))
	}
	if cc.ListenerPing != 0 {
		fmt.Fprintf(b, ", ListenerPing: %s", cc.ListenerPing)
	}
	if cc.Shared != nil {
		fmt.Fprintf(b, ", Shared: %T", cc.Shared)
	}
	b.WriteString("}")
}
