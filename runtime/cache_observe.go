package runtime

import (
	"context"
	"log/slog"
)

// CacheObserver is an Observer that is also told about the events of the
// row caches (see CacheEvent). Observers in Config.Observers that
// implement it receive them; so does the statement log (Config.Logger,
// NewSlogObserver). ObserveCache must be safe for concurrent use, must
// not block, and must not keep e.Keys.
type CacheObserver interface {
	ObserveCache(ctx context.Context, e CacheEvent)
}

// CacheEventKind says what happened in a CacheEvent.
type CacheEventKind int

// The kinds of cache events.
const (
	// CacheHit: a read was answered by the cache.
	CacheHit CacheEventKind = iota + 1
	// CacheMiss: a read goes to the database and will fill the cache.
	CacheMiss
	// CacheFilled: a row read after a miss was stored.
	CacheFilled
	// CacheFillDropped: a row read after a miss was not stored, because
	// its key was invalidated (or the caches flushed) during the read.
	CacheFillDropped
	// CacheInvalidated: keys (or, with All, every row of Table) were
	// dropped, by this instance's write or, with Remote, a notification.
	CacheInvalidated
	// CacheFlushed: every entry of every table was dropped; Reason says
	// why.
	CacheFlushed
	// CacheReconnected: the listener listens again after a loss.
	CacheReconnected
	// CacheListenerLost: the listener's connection failed (Err); reads
	// bypass the caches until it is back.
	CacheListenerLost
	// CacheSharedError: the shared cache failed (Err) at Reason ("get",
	// "fill", "invalidate", "flush").
	CacheSharedError
)

var cacheEventNames = [...]string{
	CacheHit:          "hit",
	CacheMiss:         "miss",
	CacheFilled:       "filled",
	CacheFillDropped:  "fill dropped",
	CacheInvalidated:  "invalidated",
	CacheFlushed:      "flushed",
	CacheReconnected:  "reconnected",
	CacheListenerLost: "listener lost",
	CacheSharedError:  "shared cache error",
}

// String returns the kind's name, such as "hit".
func (k CacheEventKind) String() string {
	if k > 0 && int(k) < len(cacheEventNames) {
		return cacheEventNames[k]
	}
	return "unknown"
}

// CacheEvent describes one event of a DB's row caches.
type CacheEvent struct {
	Kind CacheEventKind
	// Table is the table concerned; empty for events of every table.
	Table string
	// Remote is set for invalidations received from the listener, All
	// for the invalidation of every row of Table.
	Remote, All bool
	// Tenant and Keys are the text of the tenant and of the keys
	// invalidated (see KeyCodec); the slice must not be kept.
	Tenant string
	Keys   []string
	// Reason says why, for flushes and shared cache errors.
	Reason string
	// Err is the failure, for CacheListenerLost and CacheSharedError.
	Err error
}

// The messages of the cache lines NewSlogObserver writes.
const (
	msgCache = "cache"
)

// ObserveCache logs e: hits, misses, fills and invalidations at level
// Debug, flushes and a listener that is back at Info, a lost listener and
// shared cache failures at Warn. Each line has message "cache" and
// attributes cache.event, db.table and, as they apply, cache.remote,
// cache.keys (how many), reason and error. Key values are never logged.
func (o *slogObserver) ObserveCache(ctx context.Context, e CacheEvent) {
	level := slog.LevelDebug
	switch e.Kind {
	case CacheFlushed, CacheReconnected:
		level = slog.LevelInfo
	case CacheListenerLost, CacheSharedError:
		level = slog.LevelWarn
	}
	if !o.logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs, slog.String("cache.event", e.Kind.String()))
	if e.Table != "" {
		attrs = append(attrs, slog.String("db.table", e.Table))
	}
	if e.Kind == CacheInvalidated {
		attrs = append(attrs, slog.Bool("cache.remote", e.Remote))
		if e.All {
			attrs = append(attrs, slog.String("cache.keys", "all"))
		} else {
			attrs = append(attrs, slog.Int("cache.keys", len(e.Keys)))
		}
	}
	if e.Reason != "" {
		attrs = append(attrs, slog.String("reason", e.Reason))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	}
	o.logger.LogAttrs(ctx, level, msgCache, attrs...)
}
