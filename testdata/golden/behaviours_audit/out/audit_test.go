package auditdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
)

// auditRow is one row of cpcgen_audit_log.
type auditRow struct {
	ID     int64
	Table  string
	Key    map[string]any
	Action string
	Actor  *string
	Old    map[string]any
	New    map[string]any
	TxID   int64
}

// auditLog reads the audit log in order.
func auditLog(t *testing.T, db *pgxpool.Pool) []auditRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id, table_name, row_key, action, actor, old, new, txid FROM cpcgen_audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		var key, old, new []byte
		if err := rows.Scan(&r.ID, &r.Table, &key, &r.Action, &r.Actor, &old, &new, &r.TxID); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			data []byte
			dst  *map[string]any
		}{{key, &r.Key}, {old, &r.Old}, {new, &r.New}} {
			if p.data != nil {
				if err := json.Unmarshal(p.data, p.dst); err != nil {
					t.Fatal(err)
				}
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// rowJSON returns a table's row as the audit log holds it.
func rowJSON(t *testing.T, db *pgxpool.Pool, table, where string, args ...any) map[string]any {
	t.Helper()
	var data []byte
	if err := db.QueryRow(context.Background(), `SELECT to_jsonb(x) FROM `+table+` x WHERE `+where, args...).Scan(&data); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func same(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// expect checks the audit rows after the first n: their tables,
// actions, keys and actor.
func expect(t *testing.T, log []auditRow, from int, actor string, want ...string) []auditRow {
	t.Helper()
	got := log[from:]
	if len(got) != len(want) {
		t.Fatalf("%d new audit rows, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		r := got[i]
		desc := r.Table + " " + r.Action + " " + fmt.Sprint(r.Key)
		if desc != w {
			t.Errorf("audit row %d: %q, want %q", from+i, desc, w)
		}
		if (r.Actor == nil) != (actor == "") || (r.Actor != nil && *r.Actor != actor) {
			t.Errorf("audit row %d: actor %v, want %q", from+i, r.Actor, actor)
		}
	}
	return got
}

// TestEveryWriteIsAudited runs each kind of write and checks the rows it
// added to the audit log: action, key, actor, and old and new values
// equal to the row before and after.
func TestEveryWriteIsAudited(t *testing.T) {
	ctx := runtime.WithActor(context.Background(), "alice")
	app, pool := rolePools(t)
	s := NewStore(app)
	n := 0
	next := func(want ...string) []auditRow {
		t.Helper()
		log := auditLog(t, pool)
		got := expect(t, log, n, "alice", want...)
		n = len(log)
		return got
	}

	a, err := s.Accounts.Create(ctx, NewAccount{Owner: "ada", Note: runtime.NullOf("it's \"mine\"")})
	if err != nil {
		t.Fatal(err)
	}
	r := next(fmt.Sprintf("accounts create map[id:%d]", a.ID))[0]
	if r.Old != nil || !same(r.New, rowJSON(t, pool, "accounts", "id = $1", a.ID)) {
		t.Fatalf("create: %+v", r)
	}
	before := rowJSON(t, pool, "accounts", "id = $1", a.ID)
	if _, err := s.Accounts.Update(ctx, a.ID, AccountUpdate{Balance: runtime.Set(int64(10))}); err != nil {
		t.Fatal(err)
	}
	r = next(fmt.Sprintf("accounts update map[id:%d]", a.ID))[0]
	after := rowJSON(t, pool, "accounts", "id = $1", a.ID)
	if !same(r.Old, before) || !same(r.New, after) || r.New["balance"] != float64(10) {
		t.Fatalf("update: old %v new %v; row before %v after %v", r.Old, r.New, before, after)
	}
	if _, err := s.Accounts.UpsertByOwner(ctx, NewAccount{Owner: "ada", Balance: runtime.Set(int64(20))}); err != nil {
		t.Fatal(err)
	}
	r = next(fmt.Sprintf("accounts update map[id:%d]", a.ID))[0]
	if !same(r.Old, after) || r.New["balance"] != float64(20) {
		t.Fatalf("upsert over a row: %+v", r)
	}
	bob, err := s.Accounts.UpsertByOwner(ctx, NewAccount{Owner: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if r = next(fmt.Sprintf("accounts create map[id:%d]", bob.ID))[0]; r.Old != nil || r.New["owner"] != "bob" {
		t.Fatalf("upsert of a new row: %+v", r)
	}
	if _, created, err := s.Accounts.CreateIfAbsentByOwner(ctx, NewAccount{Owner: "bob"}); err != nil || created {
		t.Fatalf("CreateIfAbsentByOwner(bob) = %v, %v", created, err)
	}
	next() // nothing written, nothing logged
	cy, created, err := s.Accounts.CreateIfAbsentByOwner(ctx, NewAccount{Owner: "cy"})
	if err != nil || !created {
		t.Fatal(err)
	}
	next(fmt.Sprintf("accounts create map[id:%d]", cy.ID))
	if ok, err := s.Accounts.Delete(ctx, cy.ID); err != nil || !ok {
		t.Fatal(err)
	}
	if r = next(fmt.Sprintf("accounts delete map[id:%d]", cy.ID))[0]; r.Old["deleted_at"] != nil || r.New["deleted_at"] == nil {
		t.Fatalf("soft delete: %+v", r)
	}
	if ok, err := s.Accounts.Restore(ctx, cy.ID); err != nil || !ok {
		t.Fatal(err)
	}
	if r = next(fmt.Sprintf("accounts restore map[id:%d]", cy.ID))[0]; r.Old["deleted_at"] == nil || r.New["deleted_at"] != nil {
		t.Fatalf("restore: %+v", r)
	}
	last := rowJSON(t, pool, "accounts", "id = $1", cy.ID)
	if ok, err := s.Accounts.HardDelete(ctx, cy.ID); err != nil || !ok {
		t.Fatal(err)
	}
	if r = next(fmt.Sprintf("accounts hard_delete map[id:%d]", cy.ID))[0]; !same(r.Old, last) || r.New != nil {
		t.Fatalf("hard delete: %+v", r)
	}
	// Writes that change nothing log nothing.
	if ok, err := s.Accounts.Delete(ctx, cy.ID); err != nil || ok {
		t.Fatal(err)
	}
	if _, err := s.Accounts.Update(ctx, cy.ID, AccountUpdate{Note: runtime.SetNullable("x")}); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatal(err)
	}
	next()

	// Batches log one row per row, in the same transaction (COPY here).
	if c, err := s.Accounts.CreateMany(ctx, []NewAccount{{Owner: "d"}, {Owner: "e"}}); err != nil || c != 2 {
		t.Fatalf("CreateMany = %d, %v", c, err)
	}
	got := next("accounts create map[id:6]", "accounts create map[id:7]")
	if got[0].TxID != got[1].TxID {
		t.Fatal("one statement, two transactions")
	}
	many, err := s.Accounts.CreateManyReturning(ctx, []NewAccount{{Owner: "f"}, {Owner: "g"}})
	if err != nil {
		t.Fatal(err)
	}
	next(fmt.Sprintf("accounts create map[id:%d]", many[0].ID), fmt.Sprintf("accounts create map[id:%d]", many[1].ID))

	// A composite key, an optimistic lock; a table whose batches queue
	// Create per row.
	e, err := s.Entries.Create(ctx, NewEntry{AccountID: a.ID, Seq: 1, Amount: 5})
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("map[account_id:%d seq:1]", a.ID)
	next("entries create " + key)
	if _, err := s.Entries.Update(ctx, a.ID, 1, e.Version+1, EntryUpdate{Amount: runtime.Set(int64(6))}); !errors.Is(err, runtime.ErrStaleVersion) {
		t.Fatalf("stale update: %v", err)
	}
	next()
	if e, err = s.Entries.Update(ctx, a.ID, 1, e.Version, EntryUpdate{Amount: runtime.Set(int64(6))}); err != nil {
		t.Fatal(err)
	}
	if r = next("entries update " + key)[0]; r.Old["version"] != float64(1) || r.New["version"] != float64(2) {
		t.Fatalf("versioned update: %+v", r)
	}
	if _, err := s.Entries.UpsertByAccountIDAndSeq(ctx, NewEntry{AccountID: a.ID, Seq: 1, Amount: 7}); err != nil {
		t.Fatal(err)
	}
	if r = next("entries update " + key)[0]; r.Old["amount"] != float64(6) || r.New["amount"] != float64(7) || r.New["version"] != float64(3) {
		t.Fatalf("versioned upsert: %+v", r)
	}
	if ok, err := s.Entries.Delete(ctx, a.ID, 1, 3); err != nil || !ok {
		t.Fatal(err)
	}
	next("entries delete " + key)
	if c, err := s.Notes.CreateMany(ctx, []NewNote{{Tags: runtime.Set([]string{"a"})}, {}}); err != nil || c != 2 {
		t.Fatalf("notes CreateMany = %d, %v", c, err)
	}
	next("notes create map[id:1]", "notes create map[id:2]")

	// Without an actor, the actor is NULL.
	if _, err := s.Notes.Update(context.Background(), 1, NoteUpdate{Tags: runtime.Set([]string{})}); err != nil {
		t.Fatal(err)
	}
	expect(t, auditLog(t, pool), n, "", "notes update map[id:1]")
}

// TestRolledBackWriteLeavesNoAuditRow: the audit rows live and die with
// the change's transaction.
func TestRolledBackWriteLeavesNoAuditRow(t *testing.T) {
	ctx := runtime.WithActor(context.Background(), "alice")
	app, pool := rolePools(t)
	s := NewStore(app)
	errRollback := errors.New("roll back")
	err := s.InTx(ctx, func(tx *Store) error {
		a, err := tx.Accounts.Create(ctx, NewAccount{Owner: "ada"})
		if err != nil {
			return err
		}
		if _, err := tx.Accounts.Update(ctx, a.ID, AccountUpdate{Balance: runtime.Set(int64(1))}); err != nil {
			return err
		}
		if _, err := tx.Accounts.CreateMany(ctx, []NewAccount{{Owner: "bob"}}); err != nil {
			return err
		}
		var n int
		if err := tx.DB().QueryRow(ctx, "SELECT count(*) FROM cpcgen_audit_log").Scan(&n); err != nil || n != 3 {
			t.Errorf("inside the transaction: %d audit rows, %v", n, err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if log := auditLog(t, pool); len(log) != 0 {
		t.Fatalf("audit rows after a rollback: %+v", log)
	}
	if n, _ := s.Accounts.WithDeleted().Count(ctx); n != 0 {
		t.Fatalf("%d accounts after a rollback", n)
	}
}

// TestFailedAuditWriteFailsTheChange makes the audit log refuse an actor:
// every write by that actor fails and changes nothing.
func TestFailedAuditWriteFailsTheChange(t *testing.T) {
	app, pool := rolePools(t)
	s := NewStore(app)
	ctx := context.Background()
	a, err := s.Accounts.Create(ctx, NewAccount{Owner: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE cpcgen_audit_log ADD CONSTRAINT no_mallory CHECK (actor IS DISTINCT FROM 'mallory')`); err != nil {
		t.Fatal(err)
	}
	mallory := runtime.WithActor(ctx, "mallory")
	before := auditLog(t, pool)
	for name, write := range map[string]func() error{
		"Create": func() error { _, err := s.Accounts.Create(mallory, NewAccount{Owner: "m"}); return err },
		"Update": func() error {
			_, err := s.Accounts.Update(mallory, a.ID, AccountUpdate{Balance: runtime.Set(int64(99))})
			return err
		},
		"Delete":     func() error { _, err := s.Accounts.Delete(mallory, a.ID); return err },
		"HardDelete": func() error { _, err := s.Accounts.HardDelete(mallory, a.ID); return err },
		"Upsert": func() error {
			_, err := s.Accounts.UpsertByOwner(mallory, NewAccount{Owner: "ada", Balance: runtime.Set(int64(9))})
			return err
		},
		"CreateMany": func() error {
			_, err := s.Accounts.CreateMany(mallory, []NewAccount{{Owner: "m1"}, {Owner: "m2"}})
			return err
		},
		"Notes": func() error { _, err := s.Notes.CreateMany(mallory, []NewNote{{}, {}}); return err },
	} {
		err := write()
		var de *runtime.DbError
		if !errors.As(err, &de) || de.Kind != runtime.KindCheck || de.Constraint != "no_mallory" {
			t.Errorf("%s by mallory: %v", name, err)
		}
	}
	got, err := s.Accounts.WithDeleted().FindAll(ctx)
	if err != nil || len(got) != 1 || got[0].Balance != 0 || got[0].DeletedAt.Valid {
		t.Fatalf("accounts after refused writes: %+v, %v", got, err)
	}
	if n, _ := s.Notes.Count(ctx); n != 0 {
		t.Fatalf("%d notes after a refused batch", n)
	}
	if after := auditLog(t, pool); len(after) != len(before) {
		t.Fatalf("audit log grew from %d to %d rows", len(before), len(after))
	}
}

// TestConcurrentAuditedWrites runs 1,000 updates and upserts from 20
// goroutines on 10 accounts: the log holds exactly one row per write,
// each goroutine's under its actor, and for every account the rows chain
// — each one's old values are the previous one's new values — up to the
// account as it is at the end.
func TestConcurrentAuditedWrites(t *testing.T) {
	ctx := context.Background()
	app, pool := rolePools(t)
	s := NewStore(app)
	var accounts []Account
	for i := 0; i < 10; i++ {
		a, err := s.Accounts.Create(ctx, NewAccount{Owner: fmt.Sprintf("owner %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a)
	}
	const writers, writes = 20, 50
	var wg sync.WaitGroup
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actx := runtime.WithActor(ctx, fmt.Sprintf("writer %d", g))
			for i := 0; i < writes; i++ {
				a := accounts[(g+i)%len(accounts)]
				v := int64(g*1000 + i)
				var err error
				if i%5 == 4 {
					_, err = s.Accounts.UpsertByOwner(actx, NewAccount{Owner: a.Owner, Balance: runtime.Set(v), Note: runtime.NullOf(fmt.Sprint(g))})
				} else {
					_, err = s.Accounts.Update(actx, a.ID, AccountUpdate{Balance: runtime.Set(v), Note: runtime.SetNullable(fmt.Sprint(g))})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	log := auditLog(t, pool)
	perActor := map[string]int{}
	chains := map[float64][]auditRow{}
	for _, r := range log[len(accounts):] {
		if r.Action != "update" {
			t.Fatalf("unexpected %+v", r)
		}
		perActor[*r.Actor]++
		id := r.Key["id"].(float64)
		chains[id] = append(chains[id], r)
	}
	if total := len(log) - len(accounts); total != writers*writes {
		t.Fatalf("%d audit rows for %d writes", total, writers*writes)
	}
	for g := 0; g < writers; g++ {
		if n := perActor[fmt.Sprintf("writer %d", g)]; n != writes {
			t.Errorf("writer %d: %d audit rows, want %d", g, n, writes)
		}
	}
	for i, a := range accounts {
		prev := log[i].New // the create
		for j, r := range chains[float64(a.ID)] {
			if !same(r.Old, prev) {
				t.Fatalf("account %d, write %d: old %v is not the previous new %v", a.ID, j, r.Old, prev)
			}
			prev = r.New
		}
		if final := rowJSON(t, pool, "accounts", "id = $1", a.ID); !same(prev, final) {
			t.Fatalf("account %d: last audited %v, row %v", a.ID, prev, final)
		}
	}
}
