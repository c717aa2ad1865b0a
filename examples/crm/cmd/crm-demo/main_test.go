package main

import (
	"testing"

	"github.com/cpcgen/cpcgen/examples/internal/demotest"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// wantStory is what the demo tells: the migrations it applies to a new
// database, and parts of the story every run tells.
var wantStory = demotest.Story{Run: run, Migrations: "000001_init, 000002_tags, 000003_audit_trail_index", Want: []string{
	// The application's statements run as a role row-level security binds.
	"connected as " + pgtest.AppRole + ": no superuser, no BYPASSRLS, owner of no table, no temporary tables",
	"Two organizations, each a tenant: Acme Corp",
	"customer with email PURCHASING@INITECH.EXAMPLE: Initech <Purchasing@Initech.example>",
	"refused (crmdb.ErrCustomerOrgEmailTaken)",
	"→ won         by bob@acme   (version 5)",
	"a move based on version 1 refused: deals.Update: conflict: stale version",
	"page 1: Initech, Initrode",
	"page 2: Intertrode",
	"won          1 deal(s)   12000.00",
	"one query per relation (activities.LoadByCustomerID ×1, customers.LoadTags ×1, customers.WithOpenDeals ×1, deals.LoadByCustomerID ×1)",
	"Intertrode 1 open deal(s) worth   6000.00, tags [], no activity yet",
	`Umbrella   2 open deal(s) worth  11500.00, tags [vip], last activity: meeting "pilot kickoff with the buyers"`,
	"create by alice@acme stage=lead amount=12000",
	"update by bob@acme   stage negotiation → won",
	"reads Initech by id: not found",
	"moves Acme's renewal to lost: not found",
	"counts 0 customers, 0 pipeline stages, 0 audit rows of the renewal; sees 1 organization (Globex)",
}}

// TestRunOnDatabase runs the demo on a given database, as with
// DATABASE_URL, twice: the second run finds the migrations applied and
// makes organizations of its own.
func TestRunOnDatabase(t *testing.T) {
	wantStory.OnDatabase(t, "application role: "+pgtest.AppRole+", made for this run", "Acme Corp: 6 customers")
}

// TestRunThrowaway runs the demo as a newcomer would: no DATABASE_URL,
// so it starts and removes a PostgreSQL cluster of its own.
func TestRunThrowaway(t *testing.T) { wantStory.Throwaway(t, false, "Acme Corp: 12 customers") }
