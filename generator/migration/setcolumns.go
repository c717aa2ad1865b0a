package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/generator/sqlschema"
)

// Atlas models a foreign key's ON DELETE action as a word and reads it
// so from the catalogs: the column list of ON DELETE SET NULL (deal_id)
// (PostgreSQL 15, what tenant-scoped foreign keys use) is lost when
// Atlas inspects a database. These put it back.

// setColumnsCatalog lists the foreign keys of schema $1 whose ON DELETE
// SET NULL or SET DEFAULT names columns: table, constraint, action
// ('n' or 'd') and the columns, comma-separated, in order.
const setColumnsCatalog = `SELECT c.relname, k.conname, k.confdeltype::text,
  array_to_string(ARRAY(SELECT a.attname FROM unnest(k.confdelsetcols) WITH ORDINALITY AS s(num, ord)
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = s.num ORDER BY s.ord), ',')
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'f' AND n.nspname = $1 AND cardinality(k.confdelsetcols) > 0`

// InspectSetColumns puts back into s, the schema named schemaName of the
// database db as Atlas inspected it, the columns the foreign keys' ON
// DELETE SET NULL and SET DEFAULT list. A server older than PostgreSQL
// 15 has none (and no confdelsetcols): s stays as it is.
func InspectSetColumns(ctx context.Context, db *sql.DB, schemaName string, s *schema.Schema) error {
	rows, err := db.QueryContext(ctx, setColumnsCatalog, schemaName)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42703" { // undefined column: before PostgreSQL 15
			return nil
		}
		return fmt.Errorf("inspect foreign key actions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, action, cols string
		if err := rows.Scan(&table, &name, &action, &cols); err != nil {
			return fmt.Errorf("inspect foreign key actions: %w", err)
		}
		t, ok := s.Table(table)
		if !ok {
			continue
		}
		fk, ok := t.ForeignKey(name)
		if !ok {
			continue
		}
		base := schema.SetNull
		if action == "d" {
			base = schema.SetDefault
		}
		fk.OnDelete = sqlschema.SetColumns(base, strings.Split(cols, ",")...)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inspect foreign key actions: %w", err)
	}
	return nil
}

// CopySetColumns gives the foreign keys of to the ON DELETE column lists
// of the foreign keys of the same name in from: the schema Atlas
// normalized (applied to a database and inspected back) gets those of
// the schema it normalized.
func CopySetColumns(from, to *schema.Schema) {
	for _, ft := range from.Tables {
		tt, ok := to.Table(ft.Name)
		if !ok {
			continue
		}
		for _, fk := range ft.ForeignKeys {
			if _, cols := sqlschema.SplitColumns(fk.OnDelete); cols == nil {
				continue
			}
			if tk, ok := tt.ForeignKey(fk.Symbol); ok {
				if base, _ := sqlschema.SplitColumns(tk.OnDelete); base == schema.SetNull || base == schema.SetDefault {
					tk.OnDelete = fk.OnDelete
				}
			}
		}
	}
}
