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

// TestReferencedSentinelsSpelledAlike: the sentinels of rows still
// referenced can be spelled alike too (LedgerSMB's account.heading, one of
// two keys of account to account_heading, and account_heading's own
// parent_id were both ErrAccountHeadingReferencedByAccountHeading, and the
// imported specs did not build): the later key's has an underscore before
// its column's field, and the package builds.
func TestReferencedSentinelsSpelledAlike(t *testing.T) {
	specYAML := `tables:
  account_heading:
    columns:
      id: {type: integer, primary_key: true}
      parent_id: {type: integer, nullable: true, references: account_heading.id}
  account:
    columns:
      id: {type: integer, primary_key: true}
      heading: {type: integer, nullable: true, references: account_heading.id}
      other_heading: {type: integer, nullable: true, references: account_heading.id}
`
	pkg, _ := generateProject(t, t.TempDir(), "ledgerdb", specYAML)
	got := map[string]bool{}
	for _, k := range pkg.Table("account_heading").Referenced {
		if got[k.Sentinel] {
			t.Errorf("two keys referencing account_heading have the sentinel %s", k.Sentinel)
		}
		got[k.Sentinel] = true
	}
	for _, want := range []string{"ErrAccountHeadingReferencedByAccountHeading", "ErrAccountHeadingReferencedByAccountOtherHeading", "ErrAccountHeadingReferencedByAccount_Heading"} {
		if !got[want] {
			t.Errorf("no sentinel %s among %v", want, got)
		}
	}
}

// TestExpressionIndexSentinelNamedAsColumn: a unique index on an
// expression named as its table and a unique column (GoAlert's
// escalation_policies_name on lower(name), beside the column name's own
// unique constraint) had the column's sentinel,
// ErrEscalationPolicyNameTaken, and the specs import wrote did not build;
// the index's is known as an index.
func TestExpressionIndexSentinelNamedAsColumn(t *testing.T) {
	specYAML := `tables:
  escalation_policies:
    columns:
      id: {type: uuid, primary_key: true}
      name: {type: text, unique: true}
    indexes:
      - {name: escalation_policies_name, columns: [{expr: lower(name)}], unique: true}
`
	pkg, _ := generateProject(t, t.TempDir(), "alertdb", specYAML)
	got := map[string]string{}
	for _, k := range pkg.Table("escalation_policies").Constraints {
		got[k.Sentinel] = k.SQLName
	}
	if got["ErrEscalationPolicyNameTaken"] != "escalation_policies_name_key" || got["ErrEscalationPolicyNameIndexTaken"] != "escalation_policies_name" {
		t.Errorf("sentinels: %v", got)
	}
}
