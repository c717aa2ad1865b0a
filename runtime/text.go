package runtime

import (
	"github.com/jackc/pgx/v5/pgtype"
)

// Text is a string that scans a column of any type as its text form. The
// generated code scans the NOT NULL columns of a type named by its SQL
// (type: {sql: …}) into it, as (*runtime.Text)(&v.Field): their values
// are strings, and a query that does not cast the column to text may
// get one pgx reads in binary (point, box), which a *string does not
// take.
type Text string

// ScanText implements pgtype.TextScanner: a column sent as text.
func (t *Text) ScanText(v pgtype.Text) error {
	if !v.Valid {
		return errNullText
	}
	*t = Text(v.String)
	return nil
}

// Scan implements database/sql's Scanner, which pgx calls with the text
// form of a value it read in binary.
func (t *Text) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*t = Text(v)
	case []byte:
		*t = Text(v)
	case nil:
		return errNullText
	default:
		return codecErrorf("cannot scan a %T into a string", src)
	}
	return nil
}

var errNullText = &codecError{msg: "cannot scan NULL into a string: declare the column nullable"}
