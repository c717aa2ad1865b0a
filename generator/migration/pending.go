package migration

import (
	"fmt"
	"sort"

	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/find"
)

// The kinds of Pending.
const (
	// PendingRename is the contract of a column renamed by expand and
	// contract: the old column, kept in sync with the new one by a
	// trigger, is dropped with the trigger.
	PendingRename = "rename-column"
	// PendingDrop is a column the specs dropped while the running code
	// still read it: kept (nullable) until the contract drops it.
	PendingDrop = "drop-column"
)

// Pending is the contract step of an expand/contract change that a
// migration started and a later one finishes: a column that must stay
// while the release that uses it may still run. The snapshot keeps one
// line per pending contract ("# cpcgen:pending {json}"); migrate diff
// --contract plans them once that release runs nowhere any more.
type Pending struct {
	Kind string `json:"kind"`
	// Table and Column name the column the contract drops; To is the
	// column it was renamed to (PendingRename).
	Table  string `json:"table"`
	Column string `json:"column"`
	To     string `json:"to,omitempty"`
	// Since is the version of the migration that started it.
	Since string `json:"since"`
}

const pendingPrefix = "# cpcgen:pending "

// String describes the pending contract in a line.
func (p *Pending) String() string {
	switch p.Kind {
	case PendingRename:
		return fmt.Sprintf("drop column %q.%q, renamed to %q by migration %s (expand/contract), and its sync trigger", p.Table, p.Column, p.To, p.Since)
	}
	return fmt.Sprintf("drop column %q.%q, which migration %s kept for the code still running", p.Table, p.Column, p.Since)
}

// syncName is the name of the trigger and of its function keeping the
// two columns of a rename in sync: "users_login_sync".
func (p *Pending) syncName() string { return names.Constraint(p.Table, p.To, "sync") }

// sortedPending orders the pending contracts by table and column, as the
// snapshot lists them.
func sortedPending(ps []*Pending) []*Pending {
	sorted := append([]*Pending(nil), ps...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Table != sorted[j].Table {
			return sorted[i].Table < sorted[j].Table
		}
		return sorted[i].Column < sorted[j].Column
	})
	return sorted
}

// ParsePending reads the pending lines of a snapshot file.
func ParsePending(data []byte) ([]*Pending, error) {
	return parseLines(data, pendingPrefix, "pending", func(p *Pending) bool {
		return p.Table != "" && p.Column != "" &&
			(p.Kind == PendingRename || p.Kind == PendingDrop) && (p.Kind != PendingRename || p.To != "")
	})
}

// findPending returns the pending contract dropping table.column, or nil.
func findPending(ps []*Pending, table, column string) *Pending {
	return find.First(ps, func(p *Pending) bool { return p.Table == table && p.Column == column })
}
