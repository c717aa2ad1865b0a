package runtime

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// BatchQuery queues sql once per element of rows in one pgx.Batch,
// binding what args reads from the element and then tail, sends it on
// db and returns the row each statement returns, scanned through dest,
// in the order of rows: one round trip, and all or nothing, as a batch
// runs in one implicit transaction (or in db's). Generated
// CreateManyReturning calls it with Create's statement when one INSERT
// … SELECT FROM unnest cannot carry the table's array columns. It
// returns an empty slice, without a round trip, for no rows.
func BatchQuery[T, A any](ctx context.Context, db DBTX, sql string, rows []A, args func(*A, []any) []any, dest func(*T, []any) []any, tail ...any) ([]T, error) {
	if len(rows) == 0 {
		return []T{}, nil
	}
	br := sendEach(ctx, db, sql, rows, args, tail)
	out := make([]T, len(rows))
	var slots [callSlots]any
	for i := range out {
		if err := br.QueryRow().Scan(dest(&out[i], slots[:0])...); err != nil {
			br.Close()
			return nil, err
		}
	}
	if err := br.Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchExec is BatchQuery for a statement that returns no row: it
// returns how many statements it ran, len(rows), or an error (generated
// CreateMany of the same tables).
func BatchExec[A any](ctx context.Context, db DBTX, sql string, rows []A, args func(*A, []any) []any, tail ...any) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	br := sendEach(ctx, db, sql, rows, args, tail)
	for range rows {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return 0, err
		}
	}
	if err := br.Close(); err != nil {
		return 0, err
	}
	return int64(len(rows)), nil
}

// sendEach sends sql once per element of rows in one batch.
func sendEach[A any](ctx context.Context, db DBTX, sql string, rows []A, args func(*A, []any) []any, tail []any) pgx.BatchResults {
	b := &pgx.Batch{}
	for i := range rows {
		b.Queue(sql, append(args(&rows[i], nil), tail...)...)
	}
	return db.SendBatch(ctx, b)
}
