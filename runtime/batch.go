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
	out := make([]T, len(rows))
	err := batch(ctx, db, sql, len(rows), func(i int, d []any) []any { return args(&rows[i], d) }, tail,
		func(br pgx.BatchResults, i int, d []any) error { return br.QueryRow().Scan(dest(&out[i], d)...) })
	if err != nil {
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
	err := batch(ctx, db, sql, len(rows), func(i int, d []any) []any { return args(&rows[i], d) }, tail,
		func(br pgx.BatchResults, _ int, _ []any) error { _, err := br.Exec(); return err })
	if err != nil {
		return 0, err
	}
	return int64(len(rows)), nil
}

// batch sends sql n times in one batch, statement i binding what args
// gives for i and then tail, and reads the result of each with read,
// which gets slots to scan through: the body of BatchQuery and
// BatchExec.
func batch(ctx context.Context, db DBTX, sql string, n int, args func(int, []any) []any, tail []any, read func(pgx.BatchResults, int, []any) error) error {
	b := &pgx.Batch{}
	for i := range n {
		b.Queue(sql, append(args(i, nil), tail...)...)
	}
	br := db.SendBatch(ctx, b)
	var slots [callSlots]any
	for i := range n {
		if err := read(br, i, slots[:0]); err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}
