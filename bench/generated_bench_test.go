package bench_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/cpcgen/cpcgen/bench/benchdb"
	"github.com/cpcgen/cpcgen/runtime"
)

// The benchmarks below run generated methods that the tool comparison
// leaves out (a List page, a Stream, the loaders) on the fixtures of
// newEnv, cpcgen only: what they measure is the generated code and the
// runtime it calls, before and after a change to either.

// BenchmarkListPage reads the second page of 2 rows of users.List
// (keyset pagination over the primary key). It reads users, not
// transactions: their rows all have the same shape, so allocs/op does
// not depend on which rows the random keys put on the page.
func BenchmarkListPage(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	s := benchdb.NewStore(e.pool)
	first, err := s.Users.List(ctx, runtime.PageArgs{Limit: 2})
	if err != nil || first.Next == "" {
		b.Fatalf("List: %d rows, %v", len(first.Items), err)
	}
	page := runtime.PageArgs{After: first.Next, Limit: 2}
	b.ReportAllocs()
	m := newMeter(b, e)
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		p, err := s.Users.List(ctx, page)
		if err != nil || len(p.Items) != 2 || p.Next == "" {
			b.Fatalf("List: %d rows, %v", len(p.Items), err)
		}
	}
	m.report()
}

// BenchmarkStream reads every row of users.Stream (the five users of
// the fixtures; see BenchmarkListPage for why users).
func BenchmarkStream(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	s := benchdb.NewStore(e.pool)
	b.ReportAllocs()
	m := newMeter(b, e)
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, err := range s.Users.Stream(ctx) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 5 {
			b.Fatalf("Stream: %d rows", n)
		}
	}
	m.report()
}

// BenchmarkLoad reads the fixtureRows transactions of the reading user
// through its loader: by key (LoadByUserID) and from the parent row
// (LoadTransactions).
func BenchmarkLoad(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	s := benchdb.NewStore(e.pool)
	reader, err := s.Users.FindByID(ctx, e.reader)
	if err != nil {
		b.Fatal(err)
	}
	keys := []uuid.UUID{e.reader}
	parents := []benchdb.User{reader}
	for _, c := range []struct {
		name string
		load func() (map[uuid.UUID][]benchdb.Transaction, error)
	}{
		{"ByUserID", func() (map[uuid.UUID][]benchdb.Transaction, error) { return s.Transactions.LoadByUserID(ctx, keys) }},
		{"Children", func() (map[uuid.UUID][]benchdb.Transaction, error) { return s.Users.LoadTransactions(ctx, parents) }},
	} {
		b.Run("op="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			m := newMeter(b, e)
			b.ResetTimer()
			m.start()
			for i := 0; i < b.N; i++ {
				got, err := c.load()
				if err != nil || len(got) != 1 || len(got[e.reader]) != fixtureRows {
					b.Fatalf("%s: %d keys, %d rows, %v", c.name, len(got), len(got[e.reader]), err)
				}
			}
			m.report()
		})
	}
}
