package runtime

import (
	"encoding/json"
	"time"
)

// AuditEntry is one row of the audit log (cpcgen_audit_log) that
// generated code writes for tables with audit: true: one row changed by
// one write. The AuditTrail method of an audited table's repository
// returns a row's entries, oldest first.
type AuditEntry struct {
	// ID orders the entries: a later write of the row has a greater ID.
	ID int64 `json:"id"`
	// Action is what the write did to the row: "create", "update",
	// "delete", "restore", "upsert" or "hard_delete".
	Action string `json:"action"`
	// Actor is the actor of the write's context (WithActor), nil when it
	// had none.
	Actor *string `json:"actor"`
	// At is the time of the write's transaction (its now()).
	At time.Time `json:"at"`
	// TxID is the write's transaction (txid_current()).
	TxID int64 `json:"txid"`
	// Old is the row before the write as a JSON object of its columns,
	// nil for a new row; New the row after it, nil for a deleted row.
	Old json.RawMessage `json:"old"`
	New json.RawMessage `json:"new"`
}

// ScanAuditEntry gives the destinations of the columns id, action,
// actor, at, txid, old and new of an audit log row, in that order, in e
// (see Collect). Generated AuditTrail methods select them so.
func ScanAuditEntry(e *AuditEntry, d []any) []any {
	return append(d, &e.ID, &e.Action, &e.Actor, &e.At, &e.TxID, &e.Old, &e.New)
}
