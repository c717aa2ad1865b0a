package runtime

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditEntry is one row of the audit log (cpcgen_audit_log) that the
// trigger of a table with audit: true writes: one row changed by one
// statement. The AuditTrail method of an audited table's repository
// returns a row's entries, oldest first.
type AuditEntry struct {
	// ID orders the entries: a later write of the row has a greater ID.
	ID int64 `json:"id"`
	// Action is what the write did to the row: "create", "update",
	// "delete", "restore" or "hard_delete" (and "upsert" in rows written
	// before the audit trigger, by earlier versions' statements).
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
	// The values of sensitive columns are "hmac-sha256:<hex>": a keyed
	// hash, equal for equal values, that cannot be read back.
	Old json.RawMessage `json:"old"`
	New json.RawMessage `json:"new"`
}

// ScanAuditEntry gives the destinations of the columns id, action,
// actor, at, txid, old and new of an audit log row, in that order, in e
// (see Collect). Generated AuditTrail methods select them so.
func ScanAuditEntry(e *AuditEntry, d []any) []any {
	return append(d, &e.ID, &e.Action, &e.Actor, &e.At, &e.TxID, &e.Old, &e.New)
}

// AuditChain is what cpcgen_audit_verify found in one tenant's hash
// chain of audit rows.
type AuditChain struct {
	// Tenant is the chain's tenant as text; "" for the rows of tables
	// without a tenant.
	Tenant string `json:"tenant"`
	// Verified is the number of rows verified from the start of the
	// chain, up to the first broken link.
	Verified int64 `json:"verified"`
	// HeadSeq and HeadHash are the chain's head (cpcgen_audit_head): its
	// last place and the hex SHA-256 there. Recording them elsewhere
	// (with the time) lets a later verify prove that the chain was not
	// rewritten as a whole since. HeadSeq is 0 and HeadHash "" when the
	// chain has no head.
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"`
	// BrokenSeq and BrokenID are the place and the audit row id of the
	// first broken link (0 when there is none, or no row is there), and
	// Problem says what is wrong there: a row changed, rows deleted in
	// the chain or at its end, a row outside the chain. Problem is ""
	// for a chain that verifies.
	BrokenSeq int64  `json:"broken_seq,omitempty"`
	BrokenID  int64  `json:"broken_id,omitempty"`
	Problem   string `json:"problem,omitempty"`
}

// OK reports whether the chain verified.
func (c AuditChain) OK() bool { return c.Problem == "" }

// verifyAuditSQL runs the verify function of the audit log.
const verifyAuditSQL = "-- name: runtime.VerifyAudit\n" +
	"SELECT tenant, verified, COALESCE(head_seq, 0), COALESCE(head_hash, ''), COALESCE(broken_seq, 0), COALESCE(broken_id, 0), COALESCE(problem, '')\n" +
	"FROM cpcgen_audit_verify($1)"

// VerifyAudit checks the hash chains of the audit log of the database db
// is connected to with its function cpcgen_audit_verify, every tenant's
// or, when tenant is not nil, that one's ("" is the chain of the rows
// without a tenant). It runs the whole check in one statement, so in one
// snapshot, beside running writers. The role needs EXECUTE on the
// function and SELECT on cpcgen_audit_log and cpcgen_audit_head: the
// schema's owner has them; the app role has not.
func VerifyAudit(ctx context.Context, db DBTX, tenant *string) ([]AuditChain, error) {
	rows, err := db.Query(ctx, verifyAuditSQL, tenant)
	out, err := CollectRows(rows, err, 0, func(row pgx.Row, c *AuditChain) error {
		return row.Scan(&c.Tenant, &c.Verified, &c.HeadSeq, &c.HeadHash, &c.BrokenSeq, &c.BrokenID, &c.Problem)
	})
	if err != nil {
		return nil, Wrap(err, "runtime.VerifyAudit", "cpcgen_audit_log")
	}
	return out, nil
}
