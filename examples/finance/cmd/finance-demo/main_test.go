package main

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/examples/internal/demo"
	"github.com/cpcgen/cpcgen/examples/internal/demotest"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// wantLines are parts of the story every run tells.
var wantLines = []string{
	"Ada Lovelace and Grace Hopper open accounts:",
	"+1000.00 USD to Ada's checking",
	"Ada → Grace 120.00 USD",
	"again, nothing moved: Ada 880.00 USD, Grace 370.00 USD",
	"refused: insufficient funds",
	"refused: currency mismatch",
	"Grace withdraws 45.50 USD",
	"random transfers among 10 accounts by 8 goroutines at once",
	"page 2:",
	"transfers only (kind filter): 1 line(s)",
	"dining     USD  in      0.00  out    120.00",
	"Ada's checking as of her first deposit",
	": 1000.00 USD from 1 ledger entry; now 880.00 USD, version 3",
	"0 transactions whose ledger entries do not match them, 0 accounts whose balance is not the sum of their entries",
	"balanced.",
}

// runDemo runs the demo and checks its story, which names the migrations
// applied and tells wantLines.
func runDemo(t *testing.T, opts demo.Options, migrations string) string {
	t.Helper()
	return demotest.Run(t, run, opts, migrations, wantLines)
}

// TestRunOnDatabase runs the demo on a given database, as with
// DATABASE_URL, twice: the second run finds the migrations applied and
// makes users and idempotency keys of its own.
func TestRunOnDatabase(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	out := runDemo(t, demo.Options{URL: url, Short: true}, "000001_init, 000002_categories")
	if !strings.Contains(out, "database: DATABASE_URL") || !strings.Contains(out, "100 random transfers") {
		t.Errorf("story:\n%s", out)
	}
	runDemo(t, demo.Options{URL: url, Short: true}, "none pending")
}

// TestRunThrowaway runs the demo as a newcomer would: no DATABASE_URL,
// so it starts and removes a PostgreSQL cluster of its own.
func TestRunThrowaway(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	out := runDemo(t, demo.Options{Short: true}, "000001_init, 000002_categories")
	if !strings.Contains(out, "database: a throwaway PostgreSQL cluster") {
		t.Errorf("story:\n%s", out)
	}
}
