package scaleoutdb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// modes are the statement modes compared; prepared does not work behind
// PgBouncer in transaction pooling mode.
var modes = []runtime.StatementMode{runtime.StatementModePrepared, runtime.StatementModeDescribe, runtime.StatementModeExec, runtime.StatementModeSimple}

// modeStore opens a Store in mode on a fresh database, directly or
// through a PgBouncer in transaction pooling mode, with 50 accounts of
// owner "bench".
func modeStore(tb testing.TB, mode runtime.StatementMode, bouncer *pgtest.PgBouncer) (*Store, []Account) {
	tb.Helper()
	if pgtest.CurrentPooler(tb) != nil {
		tb.Skip("the tests already run behind " + pgtest.EnvPooler + ": nothing here would be direct")
	}
	ctx := context.Background()
	dbURL := pgtest.URL(tb)
	if bouncer != nil {
		u, err := url.Parse(dbURL)
		if err != nil {
			tb.Fatal(err)
		}
		dbURL = bouncer.URL(strings.TrimPrefix(u.Path, "/"))
	}
	db, err := runtime.Open(ctx, runtime.Config{URL: dbURL, StatementMode: mode, MaxConns: 4})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(db.Close)
	s := NewStore(db)
	rows := make([]NewAccount, 50)
	for i := range rows {
		rows[i] = NewAccount{Owner: "bench", Currency: CurrencyEUR, Balance: runtime.Set(decimal.New(int64(i), -2)),
			Tags: runtime.Set([]string{"a", "b"}), Flags: runtime.Set([]Currency{CurrencyUSD, CurrencyGBP}),
			Meta: runtime.Set(json.RawMessage(`{"n": 1}`))}
	}
	all, err := s.Accounts.CreateManyReturning(ctx, rows)
	if err != nil {
		tb.Fatal(err)
	}
	return s, all
}

// TestStatementModesRoundTrip runs every operation of the benchmark in
// every mode, directly and through PgBouncer: each must give the same
// rows (prepared is expected to fail behind PgBouncer only where two
// statements of one client meet different server connections, which one
// sequential client does not show; see runtime/pgtest's
// TestPgBouncerTransactionPooling for that failure).
func TestStatementModesRoundTrip(t *testing.T) {
	pgtest.NeedPgBouncer(t)
	bouncer, err := pgtest.StartPgBouncer(testContext(t), pgtest.Current(t), pgtest.PgBouncerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bouncer.Close()
	for _, via := range []*pgtest.PgBouncer{nil, bouncer} {
		for _, mode := range modes {
			if via != nil && mode == runtime.StatementModePrepared {
				continue
			}
			name := fmt.Sprintf("direct/%s", mode)
			if via != nil {
				name = fmt.Sprintf("pgbouncer/%s", mode)
			}
			t.Run(name, func(t *testing.T) {
				ctx := testContext(t)
				s, all := modeStore(t, mode, via)
				got, err := s.Accounts.FindByID(ctx, all[7].ID)
				if err != nil || !got.Balance.Equal(decimal.New(7, -2)) || len(got.Flags) != 2 || got.Flags[1] != CurrencyGBP || string(got.Meta) != `{"n": 1}` {
					t.Errorf("FindByID: %+v, %v", got, err)
				}
				list, err := s.Accounts.ForOwner(ctx, ForOwnerParams{Owner: "bench", Currency: runtime.Set(CurrencyEUR)})
				if err != nil || len(list) != 50 {
					t.Errorf("ForOwner: %d rows, %v", len(list), err)
				}
				tot, err := s.Accounts.TotalByCurrency(ctx)
				if err != nil || len(tot) != 1 || tot[0].Accounts != 50 {
					t.Errorf("TotalByCurrency: %+v, %v", tot, err)
				}
			})
		}
	}
}

// BenchmarkStatementModes measures the generated code in each statement
// mode, directly and through PgBouncer (transaction pooling): FindByID
// (one row), ForOwner (50 rows), Create (enum, enum array, text array,
// jsonb, numeric). docs/scale-out.md has the results:
//
//	go test ./testdata/golden/scaleout/out -run '^$' -bench StatementModes -count 7
func BenchmarkStatementModes(b *testing.B) {
	pgtest.NeedPgBouncer(b)
	bouncer, err := pgtest.StartPgBouncer(context.Background(), pgtest.Current(b), pgtest.PgBouncerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer bouncer.Close()
	for _, via := range []string{"direct", "pgbouncer"} {
		for _, mode := range modes {
			if via == "pgbouncer" && mode == runtime.StatementModePrepared {
				continue
			}
			var through *pgtest.PgBouncer
			if via == "pgbouncer" {
				through = bouncer
			}
			b.Run(via+"/"+string(mode), func(b *testing.B) {
				s, all := modeStore(b, mode, through)
				ctx := context.Background()
				b.Run("FindByID", func(b *testing.B) {
					for i := 0; b.Loop(); i++ {
						if _, err := s.Accounts.FindByID(ctx, all[i%len(all)].ID); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("ForOwner50", func(b *testing.B) {
					for b.Loop() {
						if rows, err := s.Accounts.ForOwner(ctx, ForOwnerParams{Owner: "bench"}); err != nil || len(rows) != 50 {
							b.Fatal(len(rows), err)
						}
					}
				})
				b.Run("Create", func(b *testing.B) {
					n := NewAccount{Owner: "new", Currency: CurrencyGBP, Balance: runtime.Set(decimal.New(1250, -2)),
						Tags: runtime.Set([]string{"x"}), Flags: runtime.Set([]Currency{CurrencyEUR}), Meta: runtime.Set(json.RawMessage(`{"k": "v"}`))}
					for b.Loop() {
						if _, err := s.Accounts.Create(ctx, n); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}
