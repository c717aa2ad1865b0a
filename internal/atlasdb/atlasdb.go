package atlasdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// nullMark is put in front of the names the inspector would read as NULL.
const nullMark = "\x00"

// nameColumns are the result columns of the inspector's queries that
// hold the names of schemas, tables and columns.
var nameColumns = map[string]bool{
	"schema_name": true, "table_schema": true, "table_name": true, "column_name": true,
	"referenced_schema_name": true, "referenced_table_name": true, "referenced_column_name": true,
}

// DB is a database opened for the Atlas engine.
type DB struct {
	// DB is the database, for the engine and for other queries: those
	// whose results have columns named like nameColumns get the names
	// null marked in them too.
	*sql.DB
	drv *postgres.Driver
}

// Open opens the database at dbURL for the Atlas engine.
func Open(dbURL string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(markingConnector{stdlib.GetConnector(*cfg)})
	drv, err := postgres.Open(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &DB{DB: db, drv: drv.(*postgres.Driver)}, nil
}

// InspectSchema is the engine's InspectSchema of the named schema.
func (a *DB) InspectSchema(ctx context.Context, name string) (*schema.Schema, error) {
	s, err := a.drv.InspectSchema(ctx, name, nil)
	if err != nil {
		return nil, err
	}
	unmarkNames(s)
	return s, nil
}

// NormalizeSchema is the engine's NormalizeSchema of s: s applied to a
// schema of the database and inspected back.
func (a *DB) NormalizeSchema(ctx context.Context, s *schema.Schema) (*schema.Schema, error) {
	n, err := a.drv.NormalizeSchema(ctx, s)
	if err != nil {
		return nil, err
	}
	unmarkNames(n)
	return n, nil
}

// NormalizeSchemaAmong is NormalizeSchema in a database that may hold
// other schemas (what migrations.external creates: another schema's
// tables, sequences and functions, which the tables' defaults, checks
// and foreign keys use), which the engine's NormalizeSchema refuses as
// not clean: s is created in the connection's current schema, which must
// hold no table (else a NotCleanError), and inspected back. Nothing is
// undone: the database is to be thrown away.
func (a *DB) NormalizeSchemaAmong(ctx context.Context, s *schema.Schema) (*schema.Schema, error) {
	dev, err := a.drv.InspectSchema(ctx, "", nil)
	if err != nil {
		return nil, err
	}
	if len(dev.Tables) > 0 {
		return nil, &migrate.NotCleanError{State: schema.NewRealm(dev), Reason: fmt.Sprintf("found table %q in connected schema", dev.Tables[0].Name)}
	}
	prevName := s.Name
	s.Name = dev.Name
	defer func() { s.Name = prevName }()
	var changes []schema.Change
	for _, t := range s.Tables {
		t.Schema = s
		for _, c := range t.Columns {
			if e, ok := c.Type.Type.(*schema.EnumType); ok {
				e.Schema = s
			}
		}
		changes = append(changes, &schema.AddTable{T: t})
	}
	for _, o := range s.Objects {
		if e, ok := o.(*schema.EnumType); ok {
			e.Schema = s
		}
		changes = append(changes, &schema.AddObject{O: o})
	}
	if err := a.drv.ApplyChanges(ctx, changes, func(opts *migrate.PlanOptions) {
		noQualifier := ""
		opts.SchemaQualifier = &noQualifier
		opts.Mode = migrate.PlanModeInPlace
	}); err != nil {
		return nil, err
	}
	ns, err := a.drv.InspectSchema(ctx, "", nil)
	if err != nil {
		return nil, err
	}
	ns.Name = prevName
	for _, at := range s.Attrs {
		schema.ReplaceOrAppend(&ns.Attrs, at)
	}
	unmarkNames(ns)
	return ns, nil
}

// unmarkNames takes nullMark off the names of s: the schema's, its
// tables' and columns', and those foreign keys and checks hold; and
// notSerialMark off the columns' defaults.
func unmarkNames(s *schema.Schema) {
	s.Name = strings.TrimPrefix(s.Name, nullMark)
	for _, t := range s.Tables {
		t.Name = strings.TrimPrefix(t.Name, nullMark)
		for _, c := range t.Columns {
			c.Name = strings.TrimPrefix(c.Name, nullMark)
			if x, ok := c.Default.(*schema.RawExpr); ok {
				x.X = strings.TrimSuffix(x.X, notSerialMark)
			}
		}
		for _, fk := range t.ForeignKeys {
			// A table of another schema is a stand-in of its own.
			fk.RefTable.Name = strings.TrimPrefix(fk.RefTable.Name, nullMark)
			if fk.RefTable.Schema != nil {
				fk.RefTable.Schema.Name = strings.TrimPrefix(fk.RefTable.Schema.Name, nullMark)
			}
			for _, c := range fk.RefColumns {
				c.Name = strings.TrimPrefix(c.Name, nullMark)
			}
		}
		for _, a := range t.Attrs {
			ck, ok := a.(*schema.Check)
			if !ok {
				continue
			}
			if name, ok := strings.CutPrefix(ck.Name, noColumnsMark); ok {
				// A check naming no column, read with the table's first.
				ck.Name = name
				for _, a := range ck.Attrs {
					if cc, ok := a.(*postgres.CheckColumns); ok {
						cc.Columns = nil
					}
				}
				for _, c := range t.Columns {
					c.Attrs = slices.DeleteFunc(c.Attrs, func(a schema.Attr) bool { return a == schema.Attr(ck) })
				}
			}
			for _, a := range ck.Attrs {
				if cc, ok := a.(*postgres.CheckColumns); ok {
					for i := range cc.Columns {
						cc.Columns[i] = strings.TrimPrefix(cc.Columns[i], nullMark)
					}
				}
			}
		}
	}
}

// markingConnector connects as pgx's database/sql driver does, marking
// names (see nullMark).
type markingConnector struct{ driver.Connector }

// Connect implements driver.Connector.
func (c markingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return markingConn{conn.(*stdlib.Conn)}, nil
}

// markingConn is a connection of pgx's database/sql driver whose queries
// take nullMark off their arguments and put it in front of the names
// null of their results.
type markingConn struct{ *stdlib.Conn }

// QueryContext implements driver.QueryerContext.
func (c markingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	for i := range args {
		if s, ok := args[i].Value.(string); ok {
			args[i].Value = strings.TrimPrefix(s, nullMark)
		}
	}
	query = strings.Replace(query, fkFilter, fkFilter+" AND con.conparentid = 0", 1)
	query = strings.Replace(query, columnDefault, ownDefault, 1)
	query = strings.Replace(query, indexConstraints, indexConstraintsOwn, 1)
	query = strings.ReplaceAll(query, partitionAttrs, partitionPositions)
	if strings.Contains(query, checksJoin) {
		query = strings.Replace(query, checksJoin, checksJoinAny, 1)
		query = strings.Replace(query, checksName, checksNameMarked, 1)
		query = strings.Replace(query, checksKey, checksKeyAny, 1)
	}
	rows, err := c.Conn.QueryContext(ctx, query, args)
	if err != nil {
		return nil, err
	}
	r := &markingRows{Rows: rows.(*stdlib.Rows), options: -1}
	for i, col := range r.Columns() {
		if nameColumns[col] {
			r.names = append(r.names, i)
		}
		if col == "options" {
			r.options = i
		}
	}
	return r, nil
}

// fkFilter is the condition of the inspector's query of foreign keys,
// which a markingConn narrows to the constraints that are no clone of
// another (conparentid 0): a foreign key referencing a partitioned table
// has a clone referencing each partition (hits_session_id_fkey1 …), on
// the referencing table, which the inspector read as foreign keys of
// its own, so that a database matched no spec.
const fkFilter = "AND con.contype = 'f'"

// indexConstraints is the subquery of the inspector's query of indexes
// that names the constraints of each index: all those whose conindid is
// the index, which takes in the foreign keys referencing the columns of
// a unique index as well (a foreign key records the index of the key it
// references). The inspector gave such an index a constraint attribute
// of type "f" for each of them: migrate diff --dev-url of a unique
// constraint added with a foreign key referencing it read the index as
// an exclusion constraint and stopped. A markingConn replaces it by
// indexConstraintsOwn, which keeps the constraints an index belongs to:
// primary keys, unique and exclusion constraints.
const (
	indexConstraints    = "\t    select conindid, jsonb_object_agg(conname, contype) AS nametypes\n\t    from pg_constraint\n\t    group by conindid"
	indexConstraintsOwn = "\t    select conindid, jsonb_object_agg(conname, contype) AS nametypes\n\t    from pg_constraint\n\t    where contype IN ('p', 'u', 'x')\n\t    group by conindid"
)

// partitionAttrs is the column of the inspector's query of tables that
// holds the columns of a partition key: their attnums, which the
// inspector takes for positions among the table's columns. A column
// dropped before the key's makes them differ: dropping events.note,
// before the key kind, made check --url and migrate diff --dev-url stop
// at "unexpected column index 3", and where a column follows the key's
// the inspector read the key as that column. A markingConn replaces it
// by partitionPositions, the positions among the columns not dropped (0,
// an expression, kept).
const (
	partitionAttrs     = "\tt4.partattrs AS partition_attrs,"
	partitionPositions = "\t(SELECT string_agg(CASE WHEN k.n = 0 THEN '0' ELSE (SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = t4.partrelid AND a.attnum > 0 AND a.attnum <= k.n AND NOT a.attisdropped)::text END, ' ' ORDER BY k.i)" +
		" FROM unnest(t4.partattrs::int2[]) WITH ORDINALITY AS k(n, i)) AS partition_attrs,"
)

// checksJoin is the join of the inspector's query of checks with the
// columns each names, which leaves out a check naming none (pgwatch's
// metrics_template CHECK (false), which keeps rows out of the template
// its partitions copy): a diff with --dev-url, which reads the spec's
// tables back from a database, wrote tables without such checks, and
// check --url did not see them. A markingConn replaces it by
// checksJoinAny, which joins such a check with the first column of its
// table, and marks its name (checksNameMarked, with noColumnsMark; its
// conkey, NULL, as no key: checksKeyAny); unmarkNames takes the mark and
// the column off again.
const (
	checksJoin       = "\tJOIN pg_attribute t2\n\tON t2.attrelid = t1.conrelid\n\tAND t2.attnum = ANY (t1.conkey)"
	checksJoinAny    = checksJoin + " OR coalesce(cardinality(t1.conkey), 0) = 0 AND t2.attrelid = t1.conrelid AND t2.attnum = (SELECT min(a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = t1.conrelid AND a.attnum > 0 AND NOT a.attisdropped)"
	checksName       = "\tt1.conname AS constraint_name,"
	checksNameMarked = "\tCASE WHEN coalesce(cardinality(t1.conkey), 0) = 0 THEN chr(2) || t1.conname ELSE t1.conname END AS constraint_name,"
	checksKey        = "\tt1.conkey as column_indexes,"
	checksKeyAny     = "\tcoalesce(t1.conkey, '{}') as column_indexes,"
)

// noColumnsMark is put in front of the name of a check that names no
// column (see checksJoin).
const noColumnsMark = "\x02"

// columnDefault is the column of the inspector's query of columns that
// holds their defaults, which a markingConn replaces by ownDefault.
const columnDefault = "\tt1.column_default,"

// ownDefault is the default of a column, ending in notSerialMark when it
// takes nextval of a sequence the column does not own (see
// pg_get_serial_sequence). The inspector reads every integer column whose
// default is nextval('<a>_<b>_seq') as serial, which a sequence of its
// own (Dendrite's roomserver_event_nid_seq, an sql object) is not: a
// migration planned from that reading made the column bigserial, with a
// new sequence, and refused a nullable one ("NOT NULL constraint is
// required for bigserial column"). The mark keeps the default from
// reading so; unmarkNames takes it off.
const ownDefault = "\t(CASE WHEN t1.column_default LIKE 'nextval(%' AND pg_get_serial_sequence(quote_ident(t1.table_schema) || '.' || quote_ident(t1.table_name), t1.column_name) IS NULL" +
	" THEN t1.column_default || '" + notSerialMark + "' ELSE t1.column_default END) AS column_default,"

// notSerialMark ends the default of a column that is not serial though
// it takes nextval of a sequence (see ownDefault).
const notSerialMark = "\x01"

// markingRows are the rows of a markingConn's query.
type markingRows struct {
	*stdlib.Rows
	names   []int // the indexes of the columns of nameColumns
	options int   // the index of the column of index storage parameters, or -1
}

// Next implements driver.Rows.
func (r *markingRows) Next(dest []driver.Value) error {
	if err := r.Rows.Next(dest); err != nil {
		return err
	}
	for _, i := range r.names {
		if s, ok := dest[i].(string); ok && strings.EqualFold(s, "null") {
			dest[i] = nullMark + s
		}
	}
	if r.options >= 0 {
		if s, ok := dest[r.options].(string); ok {
			dest[r.options] = boolOptions(s)
		}
	}
	return nil
}

// boolOptions spells the boolean index storage parameter autosummarize
// of opts (an index's reloptions, as {k=v,…}) as true or false: the
// inspector reads it with strconv.ParseBool, and fails on the other
// spellings PostgreSQL keeps as written (on, off, yes, no, TRUE…).
func boolOptions(opts string) string {
	if !strings.HasPrefix(opts, "{") || !strings.HasSuffix(opts, "}") {
		return opts
	}
	parts := strings.Split(opts[1:len(opts)-1], ",")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k != "autosummarize" {
			continue
		}
		if b, ok := pgBool(v); ok {
			parts[i] = k + "=" + strconv.FormatBool(b)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// pgBool is the value of v as PostgreSQL reads a boolean parameter
// (parse_bool: true, false, yes, no, on, off, 1, 0 and the unambiguous
// prefixes of the words, in any case).
func pgBool(v string) (bool, bool) {
	l := strings.ToLower(v)
	switch {
	case l == "1":
		return true, true
	case l == "0":
		return false, true
	case l == "":
		return false, false
	case strings.HasPrefix("true", l), strings.HasPrefix("yes", l):
		return true, true
	case strings.HasPrefix("false", l), strings.HasPrefix("no", l):
		return false, true
	case l == "on":
		return true, true
	case len(l) >= 2 && strings.HasPrefix("off", l):
		return false, true
	}
	return false, false
}
