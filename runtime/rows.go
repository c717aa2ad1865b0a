package runtime

import "github.com/jackc/pgx/v5"

// maxPrealloc bounds the room CollectRows allocates before reading any
// row, so that a large limit on a small result costs little.
const maxPrealloc = 256

// CollectRows reads every row of rows into a new slice, scanning each
// one straight into its element with scan, and closes rows. capacity is
// how many rows the caller expects (a limit or a page size; 0 when
// unknown); room for up to 256 of them is allocated at once. Unlike
// pgx.CollectRows, which scans each row into a value of its own and
// copies it, no allocation is made per row beyond what the column values
// need. Generated methods that return many rows use it. The slice is
// empty, not nil, when there are no rows.
func CollectRows[T any](rows pgx.Rows, capacity int, scan func(pgx.Row, *T) error) ([]T, error) {
	defer rows.Close()
	items := make([]T, 0, min(max(capacity, 0), maxPrealloc))
	var zero T
	for rows.Next() {
		items = append(items, zero)
		if err := scan(rows, &items[len(items)-1]); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return items, nil
}
