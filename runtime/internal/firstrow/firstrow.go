package firstrow

import "github.com/jackc/pgx/v5"

// Row is the first row of Rows, or Err, the error of the query.
type Row struct {
	Rows pgx.Rows
	Err  error
}

// Scan scans the first row into dest and closes the rows: pgx.ErrNoRows
// when there is none, or the query's, the scan's or the rows' error.
func (r Row) Scan(dest ...any) error {
	if r.Err != nil {
		return r.Err
	}
	defer r.Rows.Close()
	if !r.Rows.Next() {
		if err := r.Rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.Rows.Scan(dest...); err != nil {
		return err
	}
	r.Rows.Close()
	return r.Rows.Err()
}
