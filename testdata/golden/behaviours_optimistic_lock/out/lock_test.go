package lockdb

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

func isStale(err error) bool {
	var de *runtime.DbError
	return errors.Is(err, runtime.ErrStaleVersion) && errors.Is(err, runtime.ErrConflict) &&
		errors.As(err, &de) && de.Kind == runtime.KindConflict && de.Constraint == "" &&
		de.Message == "stale version: the row was changed since it was read"
}

func TestVersionIsCheckedAndBumped(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	d, err := s.Documents.Create(ctx, NewDocument{Key: "k1", Title: "one"})
	if err != nil || d.Version != 1 {
		t.Fatalf("Create = %+v, %v", d, err)
	}
	d2, err := s.Documents.Update(ctx, d.ID, d.Version, DocumentUpdate{Title: runtime.Set("two")})
	if err != nil || d2.Version != 2 || d2.Title != "two" {
		t.Fatalf("Update = %+v, %v", d2, err)
	}
	// An update that sets nothing still is a write: the version moves.
	d3, err := s.Documents.Update(ctx, d.ID, d2.Version, DocumentUpdate{})
	if err != nil || d3.Version != 3 {
		t.Fatalf("empty Update = %+v, %v", d3, err)
	}
	// The version read before: a conflict, and nothing changes.
	if _, err := s.Documents.Update(ctx, d.ID, d2.Version, DocumentUpdate{Title: runtime.Set("lost")}); !isStale(err) {
		t.Fatalf("stale Update: %v", err)
	}
	if ok, err := s.Documents.Delete(ctx, d.ID, 1); ok || !isStale(err) {
		t.Fatalf("stale Delete = %v, %v", ok, err)
	}
	if got, _ := s.Documents.FindByID(ctx, d.ID); got.Title != "two" || got.Version != 3 {
		t.Fatalf("after stale writes: %+v", got)
	}
	// A missing row is not a conflict.
	if _, err := s.Documents.Update(ctx, uuid.New(), 1, DocumentUpdate{}); !errors.Is(err, runtime.ErrNotFound) || isStale(err) {
		t.Fatalf("Update of a missing row: %v", err)
	}
	if ok, err := s.Documents.Delete(ctx, uuid.New(), 1); ok || err != nil {
		t.Fatalf("Delete of a missing row = %v, %v", ok, err)
	}
	// Upserts bump the version when they update, and start it at 1.
	up, err := s.Documents.UpsertByKey(ctx, NewDocument{Key: "k1", Title: "upserted"})
	if err != nil || up.ID != d.ID || up.Version != 4 || up.Title != "upserted" {
		t.Fatalf("UpsertByKey over the row = %+v, %v", up, err)
	}
	fresh, err := s.Documents.UpsertByKey(ctx, NewDocument{Key: "k2", Title: "new"})
	if err != nil || fresh.Version != 1 {
		t.Fatalf("UpsertByKey of a new key = %+v, %v", fresh, err)
	}
	if got, created, err := s.Documents.CreateIfAbsentByKey(ctx, NewDocument{Key: "k1", Title: "x"}); err != nil || created || got.Version != 4 {
		t.Fatalf("CreateIfAbsentByKey = %+v, %v, %v", got, created, err)
	}
	// Batches start every row at 1.
	many, err := s.Documents.CreateManyReturning(ctx, []NewDocument{{Key: "k3", Title: "3"}, {Key: "k4", Title: "4"}})
	if err != nil || many[0].Version != 1 || many[1].Version != 1 {
		t.Fatalf("CreateManyReturning = %+v, %v", many, err)
	}
	if n, err := s.Documents.CreateMany(ctx, []NewDocument{{Key: "k5", Title: "5"}}); err != nil || n != 1 {
		t.Fatalf("CreateMany = %d, %v", n, err)
	}
	if ok, err := s.Documents.Delete(ctx, d.ID, up.Version); err != nil || !ok {
		t.Fatalf("Delete with the current version = %v, %v", ok, err)
	}
	// A named version column (rev) on a text key works the same.
	c, err := s.Counters.Create(ctx, NewCounter{Name: "hits"})
	if err != nil || c.Rev != 1 {
		t.Fatalf("counter %+v, %v", c, err)
	}
	if _, err := s.Counters.Update(ctx, "hits", 2, CounterUpdate{Value: runtime.Set(int64(5))}); !isStale(err) {
		t.Fatalf("stale counter update: %v", err)
	}
	if c, err = s.Counters.Update(ctx, "hits", 1, CounterUpdate{Value: runtime.Set(int64(5))}); err != nil || c.Rev != 2 || c.Value != 5 {
		t.Fatalf("counter update = %+v, %v", c, err)
	}
}

// TestConcurrentUpdatesOneWins runs pairs of goroutines that both read a
// document, wait for each other, then update it with the version they
// read: in every pair exactly one wins and the other gets a stale-version
// conflict.
func TestConcurrentUpdatesOneWins(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Pool(t))
	for round := 0; round < 50; round++ {
		d, err := s.Documents.Create(ctx, NewDocument{Key: uuid.NewString(), Title: "t"})
		if err != nil {
			t.Fatal(err)
		}
		var read, done sync.WaitGroup
		read.Add(2)
		done.Add(2)
		results := make([]error, 2)
		for g := 0; g < 2; g++ {
			go func() {
				defer done.Done()
				got, err := s.Documents.FindByID(ctx, d.ID)
				read.Done()
				if err != nil {
					results[g] = err
					return
				}
				read.Wait() // both have read the same version
				_, results[g] = s.Documents.Update(ctx, d.ID, got.Version, DocumentUpdate{Title: runtime.Set("by " + string(rune('a'+g)))})
			}()
		}
		done.Wait()
		wins, stale := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				wins++
			case isStale(err):
				stale++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if wins != 1 || stale != 1 {
			t.Fatalf("round %d: %d wins, %d stale", round, wins, stale)
		}
		if got, _ := s.Documents.FindByID(ctx, d.ID); got.Version != 2 {
			t.Fatalf("round %d: version %d after one update", round, got.Version)
		}
	}
}

// TestNoLostUpdates has 8 goroutines each add 1 to a counter 25 times,
// read-modify-write with retries on conflicts: the counter ends at
// exactly 200, and its version at 201.
func TestNoLostUpdates(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Pool(t))
	if _, err := s.Counters.Create(ctx, NewCounter{Name: "n"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				for {
					c, err := s.Counters.FindByID(ctx, "n")
					if err != nil {
						t.Error(err)
						return
					}
					_, err = s.Counters.Update(ctx, "n", c.Rev, CounterUpdate{Value: runtime.Set(c.Value + 1)})
					if err == nil {
						break
					}
					if !isStale(err) {
						t.Error(err)
						return
					}
					mu.Lock()
					conflicts++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	c, err := s.Counters.FindByID(ctx, "n")
	if err != nil || c.Value != 200 || c.Rev != 201 {
		t.Fatalf("counter %+v, %v (%d conflicts retried)", c, err, conflicts)
	}
}
