package runtime

import (
	"context"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The listener's reconnection backoff: the wait doubles from
// cacheRetryMin up to cacheRetryMax, with jitter.
const (
	cacheRetryMin = 50 * time.Millisecond
	cacheRetryMax = 5 * time.Second
)

// cacheListenerAppName is the listener session's application_name when
// Config.ApplicationName is empty; otherwise it is that name with
// cacheListenerSuffix.
const (
	cacheListenerAppName = "cpcgen cache listener"
	cacheListenerSuffix  = " (cache listener)"
)

// cacheListener is the one session of a DB that LISTENs on CacheChannel
// and applies the invalidations it receives. When its connection is
// lost, the caches stop serving and are flushed, and it reconnects with
// backoff; once it listens again, it flushes them again (notifications
// sent meanwhile were missed) and they serve again.
type cacheListener struct {
	rc      *rowCaches
	config  *pgx.ConnConfig
	secrets []string
	ping    time.Duration

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	// queue carries the payloads received to applyLoop, which closes
	// applied when it ends.
	queue   chan string
	applied chan struct{}

	// own starts the payloads of this DB's own writes, which it skips.
	own string

	mu sync.Mutex
	// conn is the connection listen waits on, for stop to close.
	conn    net.Conn
	state   CacheState
	since   time.Time
	lastErr string
	up      bool
	markers map[string]chan struct{}

	disconnects, reconnects, notifications atomic.Int64
}

func newCacheListener(cfg Config, rc *rowCaches) (*cacheListener, error) {
	dsn := cfg.Cache.ListenerURL
	if dsn == "" {
		dsn = cfg.URL
	}
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, &DbError{Kind: KindValidation, Op: "runtime.Open", Message: "invalid cache listener connection string: " + parseErrorReason(err, dsn)}
	}
	if cfg.ConnectTimeout > 0 {
		cc.ConnectTimeout = cfg.ConnectTimeout
	}
	name := cacheListenerAppName
	if cfg.ApplicationName != "" {
		name = cfg.ApplicationName
		if len(name)+len(cacheListenerSuffix) <= maxApplicationName {
			name += cacheListenerSuffix
		}
	}
	cc.RuntimeParams["application_name"] = name
	cc.Tracer = nil
	secrets := dsnSecrets(dsn)
	if cc.Password != "" {
		secrets = append(secrets, cc.Password)
	}
	l := &cacheListener{rc: rc, config: cc, secrets: secrets, ping: rc.cfg.ListenerPing, done: make(chan struct{}),
		queue: make(chan string, maxCacheBatch), applied: make(chan struct{}), markers: map[string]chan struct{}{},
		own: "O\t" + rc.id + "\n"}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	return l, nil
}

// start connects the listener, failing when it cannot, and then keeps it
// connected in the background.
func (l *cacheListener) start(ctx context.Context) error {
	conn, err := l.connect(ctx)
	if err != nil {
		l.cancel()
		close(l.done)
		close(l.applied)
		e := Wrap(err, "runtime.Open", "").(*DbError)
		cp := *e
		cp.Message = "cache listener: " + maskSecrets(e.Message, l.secrets) +
			"; it needs a session of its own on the server (behind a transaction pooler, set Cache.ListenerURL to the server's own address)"
		return &cp
	}
	l.setUp(true, "")
	go l.run(conn)
	go l.applyLoop()
	go l.repairLoop()
	return nil
}

// connect opens the listener's connection and LISTENs; a shared cache is
// flushed afterwards, since notifications may have been missed before.
func (l *cacheListener) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.config)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+CacheChannel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	// Everything cached before this point may have missed a notification.
	// A shared cache that cannot be flushed now is not used until it is.
	if err := l.rc.flushAll(ctx, "listening"); err != nil {
		l.rc.sharedError(ctx, "", "flush", err, true)
	}
	return conn, nil
}

// run keeps the listener connected until stop.
func (l *cacheListener) run(conn *pgx.Conn) {
	defer close(l.done)
	for {
		err := l.listen(conn)
		conn.Close(context.Background())
		if l.ctx.Err() != nil {
			return
		}
		l.lost(err)
		conn = l.reconnect()
		if conn == nil {
			return
		}
	}
}

// listen queues notifications until the connection fails; an idle
// connection is pinged every ping interval. The wait has a read
// deadline rather than a context, which would cost allocations per
// notification; stop closes the connection to end it.
func (l *cacheListener) listen(conn *pgx.Conn) error {
	nc := conn.PgConn().Conn()
	l.mu.Lock()
	l.conn = nc
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.conn = nil
		l.mu.Unlock()
	}()
	for {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		_ = nc.SetReadDeadline(time.Now().Add(l.ping))
		n, err := conn.WaitForNotification(context.Background())
		if err != nil {
			if l.ctx.Err() != nil {
				return l.ctx.Err()
			}
			if pgconn.Timeout(err) && !conn.IsClosed() {
				// Idle: check the connection, giving a busy server at least
				// DefaultCacheListenerPing to answer.
				_ = nc.SetReadDeadline(time.Time{})
				pctx, cancel := context.WithTimeout(l.ctx, max(l.ping, DefaultCacheListenerPing))
				err = conn.Ping(pctx)
				cancel()
				if err == nil {
					continue
				}
			}
			return err
		}
		l.notifications.Add(1)
		if strings.HasPrefix(n.Payload, l.own) {
			// A write of this DB's own, applied when it committed.
			continue
		}
		select {
		case l.queue <- n.Payload:
		case <-l.ctx.Done():
			return l.ctx.Err()
		}
	}
}

// maxCacheBatch bounds how many notifications the applier merges.
const maxCacheBatch = 512

// applyLoop applies the notifications the listener queues, in order,
// merging the ones queued meanwhile: one pass over the caches (one call
// to a shared cache) per table and tenant, however many writes there
// were.
func (l *cacheListener) applyLoop() {
	defer close(l.applied)
	batch := make([]string, 0, maxCacheBatch)
	for {
		select {
		case <-l.ctx.Done():
			return
		case p := <-l.queue:
			batch = append(batch[:0], p)
		}
	drain:
		for len(batch) < maxCacheBatch {
			select {
			case p := <-l.queue:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		l.applyBatch(batch)
	}
}

// applyBatch applies payloads, in order: the invalidations before a
// marker are applied before the marker is released.
func (l *cacheListener) applyBatch(payloads []string) {
	var m invalidationSet
	for _, p := range payloads {
		origin, invs, markers, err := parseNotification(p)
		if err != nil {
			// A payload of another version, or damaged: it may name keys
			// that cannot be read, so drop everything.
			l.rc.apply(l.ctx, m.take(), true)
			l.setError("cache listener: " + err.Error())
			_ = l.rc.flushAll(l.ctx, "unreadable notification")
			continue
		}
		if origin != l.rc.id {
			// A write of this DB's own was applied when it committed.
			for _, inv := range invs {
				m.add(inv)
			}
		}
		if len(markers) > 0 {
			l.rc.apply(l.ctx, m.take(), true)
			l.mu.Lock()
			for _, mk := range markers {
				if ch := l.markers[mk]; ch != nil {
					close(ch)
					delete(l.markers, mk)
				}
			}
			l.mu.Unlock()
		}
	}
	l.rc.apply(l.ctx, m.take(), true)
}

// invalidationSet merges invalidations: the keys of one table and tenant
// into one, and every invalidation of a table into the table's.
type invalidationSet struct {
	invs  []Invalidation
	index map[[2]string]int
	all   map[string]bool
}

func (m *invalidationSet) add(inv Invalidation) {
	if m.index == nil {
		m.index, m.all = map[[2]string]int{}, map[string]bool{}
	}
	if m.all[inv.table] {
		return
	}
	if inv.all {
		m.all[inv.table] = true
		kept := m.invs[:0]
		for _, o := range m.invs {
			if o.table != inv.table {
				kept = append(kept, o)
			}
		}
		m.invs = append(kept, inv)
		clear(m.index)
		for i, o := range m.invs {
			if !o.all {
				m.index[[2]string{o.table, o.tenant}] = i
			}
		}
		return
	}
	k := [2]string{inv.table, inv.tenant}
	if i, ok := m.index[k]; ok {
		m.invs[i].keys = append(m.invs[i].keys, inv.keys...)
		return
	}
	m.index[k] = len(m.invs)
	inv.keys = slices.Clip(inv.keys)
	m.invs = append(m.invs, inv)
}

// take returns the merged invalidations and empties m.
func (m *invalidationSet) take() []Invalidation {
	invs := m.invs
	m.invs = nil
	clear(m.index)
	clear(m.all)
	return invs
}

// lost takes the caches out and flushes them: notifications may be
// missed from now on.
func (l *cacheListener) lost(err error) {
	l.disconnects.Add(1)
	msg := "cache listener: connection lost: " + maskSecrets(Wrap(err, "", "").(*DbError).Message, l.secrets)
	l.setUp(false, msg)
	l.rc.epoch.Add(1)
	for _, s := range l.rc.allStates() {
		s.dropLocal()
	}
	l.rc.flushes.Add(1)
	if l.rc.observers != nil {
		l.rc.observe(l.ctx, CacheEvent{Kind: CacheListenerLost, Err: err})
		l.rc.observe(l.ctx, CacheEvent{Kind: CacheFlushed, Reason: "listener lost"})
	}
}

// reconnect connects again with backoff; nil when stopped.
func (l *cacheListener) reconnect() *pgx.Conn {
	wait := cacheRetryMin
	for {
		timer := time.NewTimer(wait/2 + rand.N(wait/2+1))
		select {
		case <-l.ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
		conn, err := l.connect(l.ctx)
		if err == nil {
			l.reconnects.Add(1)
			l.setUp(true, "")
			if l.rc.observers != nil {
				l.rc.observe(l.ctx, CacheEvent{Kind: CacheReconnected})
			}
			return conn
		}
		if l.ctx.Err() != nil {
			return nil
		}
		l.setError("cache listener: reconnect: " + maskSecrets(Wrap(err, "", "").(*DbError).Message, l.secrets))
		wait = min(wait*2, cacheRetryMax)
	}
}

// repairLoop flushes the shared cache after an invalidation of it
// failed, with backoff, until it succeeds.
func (l *cacheListener) repairLoop() {
	if l.rc.shared == nil {
		return
	}
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-l.rc.repair:
		}
		wait := cacheRetryMin
		for l.rc.broken.Load() {
			if err := l.rc.flushAll(l.ctx, "shared cache missed an invalidation"); err == nil {
				l.mu.Lock()
				l.rc.broken.Store(false)
				l.rc.ready.Store(l.up)
				l.mu.Unlock()
				break
			}
			timer := time.NewTimer(wait)
			select {
			case <-l.ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			}
			wait = min(wait*2, cacheRetryMax)
		}
	}
}

// setUp records whether the listener listens, and makes the caches
// serve when it does and the shared cache is sound.
func (l *cacheListener) setUp(up bool, errMsg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.up = up
	if up {
		l.state = CacheListening
	} else {
		l.state = CacheDisconnected
	}
	l.since = time.Now()
	if errMsg != "" {
		l.lastErr = errMsg
	}
	l.rc.ready.Store(up && !l.rc.broken.Load())
}

func (l *cacheListener) setError(msg string) {
	l.mu.Lock()
	l.lastErr = maskSecrets(msg, l.secrets)
	l.mu.Unlock()
}

// expect returns a channel closed when marker token arrives.
func (l *cacheListener) expect(token string) chan struct{} {
	ch := make(chan struct{})
	l.mu.Lock()
	l.markers[token] = ch
	l.mu.Unlock()
	return ch
}

// listening reports whether the listener is connected.
func (l *cacheListener) listening() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.up
}

func (l *cacheListener) forget(token string) {
	l.mu.Lock()
	delete(l.markers, token)
	l.mu.Unlock()
}

// stop ends the listener and waits for it.
func (l *cacheListener) stop() {
	l.cancel()
	l.mu.Lock()
	if l.conn != nil {
		_ = l.conn.Close()
	}
	l.mu.Unlock()
	<-l.done
	<-l.applied
	l.mu.Lock()
	l.state, l.since, l.up = CacheClosed, time.Now(), false
	l.mu.Unlock()
}

func (l *cacheListener) stats() CacheStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	state := l.state
	if state == CacheListening && l.rc.broken.Load() {
		state = CacheDisconnected
	}
	return CacheStats{
		State:         state,
		Since:         l.since,
		LastError:     l.lastErr,
		Disconnects:   l.disconnects.Load(),
		Reconnects:    l.reconnects.Load(),
		Notifications: l.notifications.Load(),
	}
}
