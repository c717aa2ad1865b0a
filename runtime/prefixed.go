package runtime

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A prefixed statement runs on db behind one that sets a setting for its
// transaction (the tenant of a ScopedDB, the actor of an ActingDB), in
// one batch: one round trip for both.

// prefixedBatch returns a batch of the setting's statement setSQL (with
// its argument), then sql.
func prefixedBatch(setSQL string, setArg any, sql string, args []any) *pgx.Batch {
	b := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, 2)}
	b.Queue(setSQL, setArg)
	b.Queue(sql, args...)
	return b
}

// execPrefixed sends b, a prefixedBatch, on db and returns its
// statement's command tag.
func execPrefixed(ctx context.Context, db DBTX, b *pgx.Batch) (pgconn.CommandTag, error) {
	br := db.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// queryPrefixed sends b, a prefixedBatch, on db and returns its
// statement's rows; closing them ends the batch.
func queryPrefixed(ctx context.Context, db DBTX, b *pgx.Batch) (pgx.Rows, error) {
	br := db.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &scopedRows{Rows: rows, br: br}, nil
}

// sendPrefixed sends b on db behind the setting's statement; the results
// are b's own.
func sendPrefixed(ctx context.Context, db DBTX, setSQL string, setArg any, b *pgx.Batch) pgx.BatchResults {
	sb := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, 1+len(b.QueuedQueries))}
	sb.Queue(setSQL, setArg)
	sb.QueuedQueries = append(sb.QueuedQueries, b.QueuedQueries...)
	br := db.SendBatch(ctx, sb)
	if _, err := br.Exec(); err != nil {
		return &failedBatch{BatchResults: br, err: err}
	}
	return br
}
