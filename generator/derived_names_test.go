package generator_test

import "testing"

// TestColumnDerivedNamesSpelledAlike: the unexported names derived from a
// table's model and a column's field concatenate them, and two tables can
// spell the same one: ledger_transactions.group_id and
// ledger_transaction_groups.id both made rulesLedgerTransactionGroupID, an
// error no spec could avoid but by renaming a table (OpenMeter's ledger
// migration, as imported). Each column now has rules of its own.
func TestColumnDerivedNamesSpelledAlike(t *testing.T) {
	specYAML := `tables:
  ledger_transaction_groups:
    columns:
      id: {type: "character(26)", primary_key: true}
  ledger_transactions:
    columns:
      id: {type: "character(26)", primary_key: true}
      group_id: {type: "character(26)", references: ledger_transaction_groups.id}
`
	pkg, _ := generateProject(t, t.TempDir(), "ledgerdb", specYAML)
	a := pkg.Table("ledger_transaction_groups").Column("id")
	b := pkg.Table("ledger_transactions").Column("group_id")
	if a.RulesVar == "" || b.RulesVar == "" || a.RulesVar == b.RulesVar {
		t.Fatalf("rules of ledger_transaction_groups.id %q and of ledger_transactions.group_id %q: want two names", a.RulesVar, b.RulesVar)
	}
}
