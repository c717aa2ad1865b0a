package auditdb

// The cost of auditing: an audited write also inserts its audit rows,
// in the same statement. These benchmarks time the generated methods
// against the same work without an audit log: a plain UPDATE of the row,
// and COPY of the rows.
//
//	go test -run='^$' -bench=. -count=6 ./testdata/golden/behaviours_audit/out/

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// paired runs plain and audited alternately, timing every call, and
// reports both means and their ratio.
func paired(b *testing.B, plain, audited func(i int)) {
	var tp, ta time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if i%2 == 0 {
			plain(i)
			mid := time.Now()
			audited(i)
			tp += mid.Sub(start)
			ta += time.Since(mid)
		} else {
			audited(i)
			mid := time.Now()
			plain(i)
			ta += mid.Sub(start)
			tp += time.Since(mid)
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(tp.Nanoseconds())/float64(b.N), "plain-ns/op")
	b.ReportMetric(float64(ta.Nanoseconds())/float64(b.N), "audited-ns/op")
	b.ReportMetric(float64(ta)/float64(tp), "ratio")
}

func BenchmarkAuditCost(b *testing.B) {
	ctx := runtime.WithActor(context.Background(), "bench")
	pool := pgtest.Pool(b)
	s := NewStore(pool)
	a, err := s.Accounts.Create(ctx, NewAccount{Owner: "a"})
	if err != nil {
		b.Fatal(err)
	}
	p, err := s.Accounts.Create(ctx, NewAccount{Owner: "p"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Update/paired", func(b *testing.B) {
		paired(b, func(i int) {
			if _, err := pool.Exec(ctx, `UPDATE accounts SET balance = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL`, p.ID, int64(i)); err != nil {
				b.Fatal(err)
			}
		}, func(i int) {
			if _, err := s.Accounts.Update(ctx, a.ID, AccountUpdate{Balance: runtime.Set(int64(i))}); err != nil {
				b.Fatal(err)
			}
		})
	})
	const batch = 1000
	n := 0
	b.Run("CreateMany1000/paired", func(b *testing.B) {
		rows := func(prefix string) []NewAccount {
			n++
			out := make([]NewAccount, batch)
			for i := range out {
				out[i] = NewAccount{Owner: fmt.Sprintf("%s %d %d", prefix, n, i), Balance: runtime.Set(int64(i))}
			}
			return out
		}
		paired(b, func(int) {
			rs := rows("copy")
			src := pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) { return []any{rs[i].Owner, rs[i].Balance.Value}, nil })
			if _, err := pool.CopyFrom(ctx, pgx.Identifier{"accounts"}, []string{"owner", "balance"}, src); err != nil {
				b.Fatal(err)
			}
		}, func(int) {
			if _, err := s.Accounts.CreateMany(ctx, rows("audited")); err != nil {
				b.Fatal(err)
			}
		})
	})
}
