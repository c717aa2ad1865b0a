package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestHealth(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{MaxConns: 3, Metrics: true})
	r := db.Health(ctx)
	if !r.OK || r.Error != "" || r.ErrorKind != runtime.KindUnknown || r.InRecovery || r.Latency <= 0 {
		t.Fatalf("report = %+v", r)
	}
	var version string
	if err := db.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if r.ServerVersion != version {
		t.Errorf("ServerVersion = %q, want %q", r.ServerVersion, version)
	}
	if r.Pool.MaxConns != 3 || r.Pool.TotalConns < 1 || r.Pool.AcquiredConns != 0 {
		t.Errorf("pool = %+v", r.Pool)
	}
	// The check is not a query of the application's.
	for _, q := range db.Stats().Queries {
		if q.Op != "SHOW" {
			t.Errorf("health check counted as %s", q.Op)
		}
	}

	code, body := getHealth(t, db)
	if code != http.StatusOK || body["ok"] != true || body["server_version"] != version || body["in_recovery"] != false {
		t.Errorf("GET: %d %v", code, body)
	}
	if pool, _ := body["pool"].(map[string]any); pool["max_conns"] != 3.0 {
		t.Errorf("pool in JSON: %v", body["pool"])
	}
	if _, ok := body["error"]; ok {
		t.Errorf("error in a healthy report: %v", body)
	}
}

// getHealth serves HealthHandler and GETs it once.
func getHealth(t *testing.T, db *runtime.DB) (int, map[string]any) {
	t.Helper()
	srv := httptest.NewServer(runtime.HealthHandler(db))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// TestHealthStoppedServer stops a cluster of the test's own: Health
// reports it unhealthy, within HealthTimeout although the context has no
// deadline, and healthy again once it is back.
func TestHealthStoppedServer(t *testing.T) {
	ctx := testContext(t)
	c := ownCluster(t, ctx, pgtest.Options{})
	const timeout = 3 * time.Second
	db, err := runtime.Open(ctx, runtime.Config{URL: c.URL("postgres"), HealthTimeout: timeout, MinConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if r := db.Health(ctx); !r.OK {
		t.Fatalf("before stopping: %+v", r)
	}

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := db.Health(context.Background())
	elapsed := time.Since(start)
	if r.OK || r.Error == "" || r.ServerVersion != "" {
		t.Fatalf("stopped server reported as %+v", r)
	}
	if r.ErrorKind != runtime.KindConnection && r.ErrorKind != runtime.KindTimeout {
		t.Errorf("ErrorKind = %v (%s)", r.ErrorKind, r.Error)
	}
	if !strings.HasPrefix(r.Error, "runtime.Health: ") {
		t.Errorf("Error = %q", r.Error)
	}
	// The bound is the check's own timeout; the margin only absorbs
	// scheduling on a busy machine.
	if elapsed > timeout+2*time.Second {
		t.Errorf("Health took %v with HealthTimeout %v", elapsed, timeout)
	}
	code, body := getHealth(t, db)
	if code != http.StatusServiceUnavailable || body["ok"] != false || body["error"] == "" || body["error_kind"] == "" {
		t.Errorf("GET while stopped: %d %v", code, body)
	}

	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if r := db.Health(ctx); !r.OK {
		t.Errorf("after restarting: %+v", r)
	}
}

// TestHealthTimeout puts a proxy between the pool and the server and
// freezes it: the server then never answers, and Health gives up after
// HealthTimeout with KindTimeout, although its context has no deadline.
func TestHealthTimeout(t *testing.T) {
	ctx := testContext(t)
	p := startProxy(t, pgtest.URL(t))
	const timeout = 500 * time.Millisecond
	db, err := runtime.Open(ctx, runtime.Config{URL: p.url, HealthTimeout: timeout, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Closing the proxy's connections lets Close end at once: pgx would
	// wait for the frozen server to acknowledge the interrupted query.
	defer p.stop()
	if r := db.Health(ctx); !r.OK {
		t.Fatalf("before freezing: %+v", r)
	}

	p.freeze()
	start := time.Now()
	r := db.Health(context.Background())
	elapsed := time.Since(start)
	if r.OK || r.ErrorKind != runtime.KindTimeout || !strings.Contains(r.Error, "no answer within HealthTimeout (500ms)") {
		t.Fatalf("frozen server reported as %+v", r)
	}
	if elapsed < timeout {
		t.Errorf("Health gave up after %v, before HealthTimeout %v", elapsed, timeout)
	}

	// A shorter deadline of the caller's wins.
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if r := db.Health(short); r.OK || r.ErrorKind != runtime.KindTimeout || strings.Contains(r.Error, "HealthTimeout") {
		t.Errorf("caller's deadline: %+v", r)
	}
}

// proxy forwards TCP connections to a PostgreSQL server until frozen;
// then it stops forwarding and accepts connections without ever
// answering.
type proxy struct {
	url      string
	listener net.Listener
	mu       sync.Mutex
	frozen   bool
	conns    []net.Conn
}

// stop closes the proxy and every connection through it.
func (p *proxy) stop() {
	p.listener.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// startProxy starts a proxy to the server of url; it stops with t.
func startProxy(t *testing.T, url string) *proxy {
	t.Helper()
	target, err := pgtestAddr(url)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{url: strings.Replace(url, target, l.Addr().String(), 1), listener: l}
	t.Cleanup(p.stop)
	go func() {
		for {
			client, err := l.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.conns = append(p.conns, client)
			frozen := p.frozen
			p.mu.Unlock()
			if frozen {
				continue // hold it, never answer
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, server)
			p.mu.Unlock()
			go p.pipe(server, client)
			go p.pipe(client, server)
		}
	}()
	return p
}

// pipe copies from src to dst until frozen or closed.
func (p *proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		frozen := p.frozen
		p.mu.Unlock()
		if frozen {
			_, _ = io.Copy(io.Discard, src) // swallow everything
			return
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				dst.Close()
			}
			return
		}
	}
}

// freeze makes the proxy stop answering.
func (p *proxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frozen = true
}

// pgtestAddr returns the host:port of a pgtest URL.
func pgtestAddr(url string) (string, error) {
	rest, ok := strings.CutPrefix(url, "postgres://")
	if !ok {
		return "", errors.New("not a postgres URL: " + url)
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = rest[at+1:]
	}
	if slash := strings.IndexByte(rest, '/'); slash >= 0 {
		rest = rest[:slash]
	}
	return rest, nil
}

// TestPasswordNotObserved runs statements, logs and health checks on a
// cluster that requires a password: the password shows up in none of
// them, not even once the server is gone.
func TestPasswordNotObserved(t *testing.T) {
	ctx := testContext(t)
	const password = "Pw-9d2e-secret"
	c, admin := passwordCluster(t, ctx, "CREATE ROLE app LOGIN SUPERUSER PASSWORD '"+password+"'")
	admin.Close(ctx)

	logger, logs := newLogger(slog.LevelDebug)
	cfg := runtime.Config{
		URL:    strings.Replace(c.URL("postgres"), "postgres@", "app:"+password+"@", 1),
		Logger: logger, LogArgs: true, Metrics: true, HealthTimeout: 2 * time.Second,
	}
	db, err := runtime.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, "-- name: roles.Show\nSELECT current_user, $1::text", "value"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "-- name: roles.Broken\nSELECT * FROM nowhere"); err == nil {
		t.Fatal("no error")
	}
	logger.Info("config", "cfg", cfg)
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	r := db.Health(ctx)
	if r.OK {
		t.Fatal("healthy without a server")
	}
	body, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = db.Exec(ctx, "-- name: roles.Gone\nSELECT 1")
	assertNoSecret(t, password, "observability", logs.String(), r.Error, string(body), cfg.String())
	if len(logs.opLines(t, "roles.Gone")) != 1 || len(logs.opLines(t, "roles.Show")) != 1 {
		t.Errorf("statements not logged:\n%s", logs)
	}
	// The statement that found no server is counted as a failure.
	if q, ok := db.Stats().Query("roles.Gone"); !ok || q.Count != 1 || q.Errors[runtime.KindConnection] != 1 {
		t.Errorf("roles.Gone: %+v", q)
	}
}
