package scaleoutdb

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// pools records the pool that ran each operation.
type pools struct {
	mu sync.Mutex
	by map[string][]string
}

func (p *pools) ObserveQuery(_ context.Context, e *runtime.QueryEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = map[string][]string{}
	}
	name := "primary"
	if e.Replica {
		name = "replica"
	}
	p.by[e.Op] = append(p.by[e.Op], name)
}

// last returns the pool of op's last statement.
func (p *pools) last(op string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ps := p.by[op]; len(ps) > 0 {
		return ps[len(ps)-1]
	}
	return "none"
}

// TestGeneratedCodeWithAReplica runs the generated repositories on a
// primary and a streaming replica started here (initdb, pg_basebackup
// -R): reads land on the replica, as the server itself says
// (pg_is_in_recovery()) and the observers report, writes and
// transactions on the primary; a session reads its own writes; and when
// the replica stops, the reads go on, on the primary.
func TestGeneratedCodeWithAReplica(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	ctx := testContext(t)
	primary, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	if err := primary.CreateDatabase(ctx, "app", ""); err != nil {
		t.Fatal(err)
	}
	ddl, err := os.ReadFile("schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, primary.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, string(ddl))
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	replica, err := pgtest.StartReplica(ctx, primary, pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()

	seen := &pools{}
	db, err := runtime.Open(ctx, runtime.Config{
		URL:            primary.URL("app"),
		ReplicaURLs:    []string{replica.URL("app")},
		ReadYourWrites: time.Hour, // longer than the test: the window never closes by itself here
		ReplicaRetry:   20 * time.Millisecond,
		Observers:      []runtime.Observer{seen},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewStore(db)
	standby := func(ctx context.Context) bool {
		t.Helper()
		r, err := s.Accounts.InRecovery(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return r.Standby
	}

	a, err := s.Accounts.Create(ctx, NewAccount{Owner: "ada", Currency: CurrencyEUR, Balance: runtime.Set(decimal.RequireFromString("10.00")),
		Flags: runtime.Set([]Currency{CurrencyUSD})})
	if err != nil {
		t.Fatal(err)
	}
	if got := seen.last("accounts.Create"); got != "primary" {
		t.Errorf("Create ran on the %s", got)
	}
	if err := pgtest.WaitForReplay(ctx, replica, primary); err != nil {
		t.Fatal(err)
	}

	if !standby(ctx) {
		t.Error("a read-only raw query ran on the primary")
	}
	if got, err := s.Accounts.FindByID(ctx, a.ID); err != nil || got.Owner != "ada" {
		t.Errorf("FindByID: %+v, %v", got, err)
	}
	if _, err := s.Accounts.ForOwner(ctx, ForOwnerParams{Owner: "ada", Currency: runtime.Set(CurrencyEUR)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accounts.TotalByCurrency(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accounts.Count(ctx); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"accounts.FindByID", "accounts.ForOwner", "accounts.TotalByCurrency", "accounts.Count"} {
		if got := seen.last(op); got != "replica" {
			t.Errorf("%s ran on the %s", op, got)
		}
	}

	err = s.InTx(ctx, func(tx *Store) error {
		r, err := tx.Accounts.InRecovery(ctx)
		if err == nil && r.Standby {
			t.Error("a read inside a transaction ran on the replica")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if standby(runtime.Primary(ctx)) {
		t.Error("a read with runtime.Primary ran on the replica")
	}

	// Read your writes: the session's reads stay on the primary after it
	// wrote, and see the write at once.
	sctx := runtime.WithSession(ctx)
	b, err := s.Accounts.Create(sctx, NewAccount{Owner: "grace", Currency: CurrencyGBP})
	if err != nil {
		t.Fatal(err)
	}
	if standby(sctx) {
		t.Error("a session read from the replica right after its write")
	}
	if got, err := s.Accounts.FindByID(sctx, b.ID); err != nil || got.Owner != "grace" {
		t.Errorf("the session does not read its own write: %+v, %v", got, err)
	}
	if !standby(ctx) {
		t.Error("a read outside the session stayed on the primary")
	}

	// The replica stops: reads go on, on the primary; it comes back.
	if err := replica.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if standby(ctx) {
			t.Errorf("read %d after the replica stopped ran on a standby", i)
		}
		if _, err := s.Accounts.FindByID(ctx, a.ID); err != nil {
			t.Errorf("read %d after the replica stopped: %v", i, err)
		}
	}
	if st := db.Stats().Replicas[0]; st.Healthy || st.Downs == 0 || !strings.Contains(st.LastError, "connection") {
		t.Errorf("replica stats after it stopped: %+v", st)
	}
	if err := replica.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for !standby(ctx) {
		if ctx.Err() != nil {
			t.Fatal("the replica was not used again after it came back")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
