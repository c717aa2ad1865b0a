package main

import (
	"testing"

	"github.com/cpcgen/cpcgen/examples/internal/demotest"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// wantStory is what the demo tells: the migrations it applies to a new
// database, and parts of the story every run tells.
var wantStory = demotest.Story{Run: run, Migrations: "000001_init, 000002_categories", Want: []string{
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
}}

// TestRunOnDatabase runs the demo on a given database, as with
// DATABASE_URL, twice: the second run finds the migrations applied and
// makes users and idempotency keys of its own.
func TestRunOnDatabase(t *testing.T) {
	wantStory.OnDatabase(t, "100 random transfers")
}

// TestRunThrowaway runs the demo as a newcomer would: no DATABASE_URL,
// so it starts and removes a PostgreSQL cluster of its own.
func TestRunThrowaway(t *testing.T) { wantStory.Throwaway(t, true) }
