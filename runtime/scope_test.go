package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestActor(t *testing.T) {
	ctx := context.Background()
	if _, ok := runtime.ActorFrom(ctx); ok || runtime.ActorArg(ctx) != nil {
		t.Fatal("actor without WithActor")
	}
	if runtime.ActorArg(runtime.WithActor(ctx, "")) != nil {
		t.Fatal("empty actor is not NULL")
	}
	a := runtime.ActorArg(runtime.WithActor(ctx, "ada"))
	if a == nil || *a != "ada" {
		t.Fatalf("ActorArg = %v", a)
	}
}

func TestTenantFor(t *testing.T) {
	ctx := context.Background()
	_, err := runtime.TenantFor[uuid.UUID](ctx, "accounts.FindByID", "accounts")
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || !errors.Is(err, runtime.ErrNoTenant) || de.Op != "accounts.FindByID" {
		t.Fatalf("no tenant: %#v", err)
	}
	if err.Error() != "accounts.FindByID: validation failed: no tenant in context; use runtime.WithTenant" {
		t.Fatalf("message %q", err.Error())
	}
	_, err = runtime.TenantFor[uuid.UUID](runtime.WithTenant(ctx, "not a uuid"), "accounts.FindByID", "accounts")
	if !errors.Is(err, runtime.ErrNoTenant) || !strings.Contains(err.Error(), "string") || !strings.Contains(err.Error(), "uuid.UUID") {
		t.Fatalf("wrong type: %v", err)
	}
	id := uuid.New()
	got, err := runtime.TenantFor[uuid.UUID](runtime.WithTenant(ctx, id), "accounts.FindByID", "accounts")
	if err != nil || got != id {
		t.Fatalf("TenantFor = %v, %v", got, err)
	}
}

// TestScopedDB checks that every statement of a ScopedDB sees the tenant
// setting (the tenant token, whose tenant is its text from the 110th
// character on), in one transaction with it, and that the setting does
// not outlive the statement outside a transaction.
func TestScopedDB(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{MaxConns: 2, TenantKey: testTenantKey(t)},
		"CREATE TABLE items (id int PRIMARY KEY, note text)",
		"INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 5) g")
	setting := "substr(current_setting('" + runtime.TenantSetting + "', true), 110)"
	for _, tenant := range []any{"acme", int64(42), uuid.MustParse("123e4567-e89b-12d3-a456-426614174000")} {
		s := runtime.Scope(db, tenant)
		want := map[any]string{"acme": "acme", int64(42): "42"}[tenant]
		if want == "" {
			want = "123e4567-e89b-12d3-a456-426614174000"
		}
		var got string
		if err := s.QueryRow(ctx, "SELECT "+setting).Scan(&got); err != nil || got != want {
			t.Fatalf("QueryRow sees %q, %v; want %q", got, err, want)
		}
		rows, err := s.Query(ctx, "SELECT "+setting+" FROM items ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(&got); err != nil || got != want {
				t.Fatalf("Query row sees %q, %v", got, err)
			}
			n++
		}
		rows.Close()
		if rows.Err() != nil || n != 5 {
			t.Fatalf("Query: %d rows, %v", n, rows.Err())
		}
		tag, err := s.Exec(ctx, "UPDATE items SET note = "+setting+" WHERE id = 1")
		if err != nil || tag.RowsAffected() != 1 {
			t.Fatalf("Exec: %v %v", tag, err)
		}
		b := &pgx.Batch{}
		b.Queue("SELECT " + setting)
		b.Queue("SELECT " + setting)
		br := s.SendBatch(ctx, b)
		for i := 0; i < 2; i++ {
			if err := br.QueryRow().Scan(&got); err != nil || got != want {
				t.Fatalf("batch %d sees %q, %v", i, got, err)
			}
		}
		if err := br.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Outside a transaction the setting ends with the statement's implicit
	// transaction: the next statement on the same connections sees none.
	for i := 0; i < 4; i++ {
		var got *string
		if err := db.QueryRow(ctx, "SELECT nullif("+setting+", '')").Scan(&got); err != nil || got != nil {
			t.Fatalf("plain statement sees tenant %v, %v", got, err)
		}
	}
	// A failing statement reports its error; the pool stays usable.
	s := runtime.Scope(db, "acme")
	if err := s.QueryRow(ctx, "SELECT 1/0").Scan(new(int)); runtime.KindOf(err) != runtime.KindValidation {
		t.Fatalf("division by zero: %v", err)
	}
	if _, err := s.Query(ctx, "SELECT * FROM missing"); err == nil {
		t.Fatal("query of a missing table succeeded")
	}
	if err := s.QueryRow(ctx, "SELECT 1 WHERE false").Scan(new(int)); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("no row: %v", err)
	}
	if _, err := s.CopyFrom(ctx, pgx.Identifier{"items"}, []string{"id"}, pgx.CopyFromRows(nil)); err == nil {
		t.Fatal("CopyFrom on a ScopedDB succeeded")
	}
	// Inside a transaction the setting holds until the transaction ends.
	err := runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
		var got string
		if err := runtime.Scope(tx, "acme").QueryRow(ctx, "SELECT 1").Scan(new(int)); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT "+setting).Scan(&got); err != nil || got != "acme" {
			t.Errorf("later statement of the transaction sees %q, %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Concurrent scoped calls with different tenants never see each other's.
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := strings.Repeat("t", g+1)
			s := runtime.Scope(db, want)
			for i := 0; i < 50; i++ {
				var got string
				if err := s.QueryRow(ctx, "SELECT "+setting).Scan(&got); err != nil || got != want {
					t.Errorf("goroutine %d sees %q, %v", g, got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestBehaviourErrors(t *testing.T) {
	err := runtime.NewStaleVersionError("accounts.Update", "accounts")
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindConflict || de.Constraint != "" ||
		!errors.Is(err, runtime.ErrConflict) || !errors.Is(err, runtime.ErrStaleVersion) {
		t.Fatalf("stale: %#v", err)
	}
	if err.Error() != "accounts.Update: conflict: stale version: the row was changed since it was read" {
		t.Fatalf("stale message %q", err.Error())
	}
	err = runtime.NewHiddenKeyError("accounts.UpsertByEmail", "accounts")
	if !errors.Is(err, runtime.ErrConflict) || !errors.Is(err, runtime.ErrHiddenKey) || errors.Is(err, runtime.ErrStaleVersion) {
		t.Fatalf("hidden key: %v", err)
	}
}

// countingObserver counts the statements it is told about.
type countingObserver struct{ n int }

func (o *countingObserver) ObserveQuery(ctx context.Context, e *runtime.QueryEvent) { o.n++ }

// TestZeroTenant checks that the zero value of a tenant type (uuid.Nil,
// 0, "") is refused as a tenant before any SQL is sent, by TenantFor and
// by a ScopedDB.
func TestZeroTenant(t *testing.T) {
	ctx := context.Background()
	check := func(name string, err error) {
		t.Helper()
		var de *runtime.DbError
		if !errors.As(err, &de) || de.Kind != runtime.KindValidation || !errors.Is(err, runtime.ErrZeroTenant) {
			t.Errorf("%s: %#v (%v)", name, err, err)
		}
		if !strings.Contains(err.Error(), "uuid.Nil") {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := runtime.TenantFor[uuid.UUID](runtime.WithTenant(ctx, uuid.Nil), "accounts.FindByID", "accounts")
	check("uuid.Nil", err)
	if err.Error() != "accounts.FindByID: validation failed: the tenant in context is a zero value (uuid.Nil, 0 or an empty string), which is not a tenant; use runtime.WithTenant with the tenant's id" {
		t.Errorf("message %q", err)
	}
	_, err = runtime.TenantFor[int64](runtime.WithTenant(ctx, int64(0)), "accounts.FindByID", "accounts")
	check("0", err)
	_, err = runtime.TenantFor[string](runtime.WithTenant(ctx, ""), "accounts.FindByID", "accounts")
	check(`""`, err)
	if got, err := runtime.TenantFor[int64](runtime.WithTenant(ctx, int64(-1)), "accounts.FindByID", "accounts"); err != nil || got != -1 {
		t.Errorf("-1: %v, %v", got, err)
	}

	db := openDB(t, runtime.Config{}, "CREATE TABLE items (id int)")
	counter := &countingObserver{}
	observed := openDB(t, runtime.Config{Observers: []runtime.Observer{counter}})
	for _, tenant := range []any{uuid.Nil, int64(0), "", nil} {
		for _, d := range []runtime.DBTX{db, observed} {
			s := runtime.Scope(d, tenant)
			_, err := s.Exec(ctx, "SELECT 1")
			check(fmt.Sprintf("Exec %v", tenant), err)
			_, err = s.Query(ctx, "SELECT 1")
			check(fmt.Sprintf("Query %v", tenant), err)
			var n int
			check(fmt.Sprintf("QueryRow %v", tenant), s.QueryRow(ctx, "SELECT 1").Scan(&n))
			b := &pgx.Batch{}
			b.Queue("SELECT 1")
			_, err = s.SendBatch(ctx, b).Exec()
			check(fmt.Sprintf("SendBatch %v", tenant), err)
		}
	}
	if counter.n != 0 {
		t.Errorf("%d statements sent for a zero tenant", counter.n)
	}
}
