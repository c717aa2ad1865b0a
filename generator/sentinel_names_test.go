package generator_test

import "testing"

// TestSentinelsSpelledAlike: the sentinels of two tables' constraints can
// be spelled alike too (the key of ledger_transaction_groups on id and the
// unique group_id of ledger_transactions were both
// ErrLedgerTransactionGroupIDTaken; their columns' checks both
// ErrLedgerTransactionGroupIDCheck), and a database's constraints are not
// renamed for them: the later table's has an underscore after its model.
func TestSentinelsSpelledAlike(t *testing.T) {
	specYAML := `tables:
  ledger_transaction_groups:
    columns:
      id: {type: text, primary_key: true, check: "length(id) = 26"}
  ledger_transactions:
    columns:
      id: {type: text, primary_key: true}
      group_id: {type: text, unique: true, check: "length(group_id) = 26"}
`
	pkg, _ := generateProject(t, t.TempDir(), "ledgerdb", specYAML)
	got := map[string]string{}
	for _, name := range []string{"ledger_transaction_groups", "ledger_transactions"} {
		for _, k := range pkg.Table(name).Constraints {
			if prev, dup := got[k.Sentinel]; dup {
				t.Errorf("%s of %s and %s are both %s", k.Doc, name, prev, k.Sentinel)
			}
			got[k.Sentinel] = k.Doc + " of " + name
		}
	}
	for _, want := range []string{"ErrLedgerTransactionGroupIDTaken", "ErrLedgerTransaction_GroupIDTaken", "ErrLedgerTransactionGroupIDCheck", "ErrLedgerTransaction_GroupIDCheck"} {
		if got[want] == "" {
			t.Errorf("no sentinel %s among %v", want, got)
		}
	}
}
