package auditdb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
)

// TestAuditTrail reads rows' audit trails back through AuditTrail: every
// write kind, in order, with actors and images, also after the row is
// gone, for single and composite keys, and nothing of other rows.
func TestAuditTrail(t *testing.T) {
	app, pool := rolePools(t)
	s := NewStore(app)
	as := func(actor string) context.Context { return runtime.WithActor(context.Background(), actor) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	a, err := s.Accounts.Create(as("ann"), NewAccount{Owner: "ann"})
	must(err)
	other, err := s.Accounts.Create(as("ann"), NewAccount{Owner: "bob"})
	must(err)
	_, err = s.Accounts.Update(as("bea"), a.ID, AccountUpdate{Balance: runtime.Set[int64](10)})
	must(err)
	_, err = s.Accounts.Delete(as("cal"), a.ID)
	must(err)
	_, err = s.Accounts.Restore(as("dan"), a.ID)
	must(err)
	_, err = s.Accounts.UpsertByOwner(as("eve"), NewAccount{Owner: "ann", Note: runtime.NullOf("upserted")})
	must(err)
	_, err = s.Accounts.HardDelete(context.Background(), a.ID)
	must(err)

	trail, err := s.Accounts.AuditTrail(context.Background(), a.ID)
	must(err)
	var got []string
	for i, e := range trail {
		actor := "-"
		if e.Actor != nil {
			actor = *e.Actor
		}
		var old, new map[string]any
		if e.Old != nil {
			must(json.Unmarshal(e.Old, &old))
		}
		if e.New != nil {
			must(json.Unmarshal(e.New, &new))
		}
		got = append(got, fmt.Sprintf("%s by %s: balance %v → %v", e.Action, actor, old["balance"], new["balance"]))
		if i > 0 && (e.ID <= trail[i-1].ID || e.At.Before(trail[i-1].At) || e.TxID == trail[i-1].TxID) {
			t.Errorf("entry %d is not after entry %d: %+v, %+v", i, i-1, e, trail[i-1])
		}
	}
	want := []string{
		"create by ann: balance <nil> → 0",
		"update by bea: balance 0 → 10",
		"delete by cal: balance 10 → 10",
		"restore by dan: balance 10 → 10",
		"update by eve: balance 10 → 10",
		"hard_delete by -: balance 10 → <nil>",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Another row's trail is its own; a key never written has none.
	if trail, err := s.Accounts.AuditTrail(context.Background(), other.ID); err != nil || len(trail) != 1 || trail[0].Action != "create" {
		t.Errorf("other account's trail = %+v, %v", trail, err)
	}
	if trail, err := s.Accounts.AuditTrail(context.Background(), -1); err != nil || len(trail) != 0 {
		t.Errorf("trail of a key never written = %+v, %v", trail, err)
	}

	// A composite key, and a table of the same key values: entries of
	// account 1 are not entries of entry (1, 1).
	e, err := s.Entries.Create(as("ann"), NewEntry{AccountID: other.ID, Seq: 1, Amount: 5})
	must(err)
	_, err = s.Entries.Update(as("bea"), e.AccountID, e.Seq, e.Version, EntryUpdate{Amount: runtime.Set[int64](7)})
	must(err)
	etrail, err := s.Entries.AuditTrail(context.Background(), e.AccountID, e.Seq)
	must(err)
	if len(etrail) != 2 || etrail[0].Action != "create" || etrail[1].Action != "update" || *etrail[1].Actor != "bea" {
		t.Errorf("entry trail = %+v", etrail)
	}
	if trail, err := s.Accounts.AuditTrail(context.Background(), other.ID); err != nil || len(trail) != 1 {
		t.Errorf("account trail after entry writes = %+v, %v", trail, err)
	}

	// The audit log's row index serves the trail.
	tx, err := pool.Begin(context.Background())
	must(err)
	defer tx.Rollback(context.Background())
	_, err = tx.Exec(context.Background(), "SET LOCAL enable_seqscan = off")
	must(err)
	rows, err := tx.Query(context.Background(), "EXPLAIN "+strings.SplitN(sqlAccountsAuditTrail, "\n", 2)[1], a.ID)
	must(err)
	var plan []string
	for rows.Next() {
		var line string
		must(rows.Scan(&line))
		plan = append(plan, line)
	}
	must(rows.Err())
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "cpcgen_audit_log_table_name_row_key_id_idx") || strings.Contains(p, "Sort") {
		t.Errorf("the trail is not read in order from the row index:\n%s", p)
	}
}
