package runtime

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// RegisterEnumTypes registers enum types and their array types on conn's
// type map, so that pgx can encode enum arrays in the binary format COPY
// uses (it has no codec for a type it does not know, and COPY leaves no
// room for the text[] casts statements use). names are SQL type names as
// they would appear in a statement: quoted where needed ("mood",
// "public"."mood"). Types already registered are skipped; the others are
// looked up with one query. Generated CreateMany methods call it on the
// connection of their transaction; registering is harmless for the other
// statements on the connection.
func RegisterEnumTypes(ctx context.Context, conn *pgx.Conn, names ...string) error {
	m := conn.TypeMap()
	var missing []string
	for _, name := range names {
		if _, ok := m.TypeForName(name); !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	rows, err := conn.Query(ctx, `SELECT n, n::regtype::oid, t.typarray
FROM unnest($1::text[]) WITH ORDINALITY AS u(n, i)
JOIN pg_catalog.pg_type t ON t.oid = n::regtype::oid
ORDER BY i`, missing)
	if err != nil {
		return fmt.Errorf("look up enum types: %w", err)
	}
	type found struct {
		name       string
		oid, array uint32
	}
	var types []found
	for rows.Next() {
		var f found
		if err := rows.Scan(&f.name, &f.oid, &f.array); err != nil {
			rows.Close()
			return fmt.Errorf("look up enum types: %w", err)
		}
		types = append(types, f)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up enum types: %w", err)
	}
	for _, f := range types {
		elem := &pgtype.Type{Name: f.name, OID: f.oid, Codec: &pgtype.EnumCodec{}}
		m.RegisterType(elem)
		m.RegisterType(&pgtype.Type{Name: "_" + f.name, OID: f.array, Codec: &pgtype.ArrayCodec{ElementType: elem}})
	}
	return nil
}
