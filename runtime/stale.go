package runtime

import "context"

// StaleVersion tells, after a versioned write of op on table matched no
// row, a stale version from a missing row: it runs sql (a SELECT EXISTS
// of the row, binding args) on db and returns a conflict matching
// ErrStaleVersion when the row exists, nil when it does not, or the
// query's error. Generated Update and Delete of tables with
// optimistic_lock call it.
func StaleVersion(ctx context.Context, db DBTX, op, table, sql string, args ...any) error {
	var exists bool
	if err := db.QueryRow(ctx, sql, args...).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return NewStaleVersionError(op, table)
	}
	return nil
}
