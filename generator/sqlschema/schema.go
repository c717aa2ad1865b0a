package sqlschema

import (
	"bytes"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/internal/atlasorder"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
	"github.com/cpcgen/cpcgen/runtime"
)

// SchemaName is the PostgreSQL schema generated tables live in.
const SchemaName = "public"

// atlasType returns the Atlas type of a column type: its row's (package
// pgtypes), an enum's, or an array of either. A type with neither (the
// builder's bug) becomes schema.UnsupportedType, which planning rejects:
// never a silent stand-in.
func atlasType(t ir.Type, enums map[string]*schema.EnumType) schema.Type {
	if t.ArrayDims > 0 {
		elem := atlasType(t.Elem(), enums)
		return &postgres.ArrayType{Type: elem, T: t.Elem().SQL() + "[]"}
	}
	switch {
	case t.Enum != nil:
		return enums[t.Enum.SQLName]
	case t.Base != nil && t.Schema != "":
		// An extension's type in the extension's schema.
		return &postgres.UserDefinedType{T: t.SQL()}
	case t.Base != nil:
		return t.Base.AtlasType(t.Args)
	}
	return &schema.UnsupportedType{T: t.Name}
}

// atlasDefault returns the Atlas form of a column default.
func atlasDefault(c *ir.Column) schema.Expr {
	if c.Default == nil {
		return nil
	}
	return &schema.RawExpr{X: c.Default.SQL}
}

var referenceOptions = map[string]schema.ReferenceOption{
	"":            schema.NoAction,
	"no action":   schema.NoAction,
	"restrict":    schema.Restrict,
	"cascade":     schema.Cascade,
	"set null":    schema.SetNull,
	"set default": schema.SetDefault,
}

// AtlasSchema returns the package's desired schema as the Atlas engine
// models it: what schema.sql creates and what migrations diff against.
func AtlasSchema(pkg *ir.Package) *schema.Schema {
	s := schema.New(SchemaName)
	enums := map[string]*schema.EnumType{}
	for _, e := range pkg.Enums {
		et := &schema.EnumType{T: e.SQLName, Schema: s}
		for _, v := range e.Values {
			et.Values = append(et.Values, v.Label)
		}
		enums[e.SQLName] = et
		s.Objects = append(s.Objects, et)
	}
	tables := map[string]*schema.Table{}
	columns := map[*ir.Column]*schema.Column{}
	for _, t := range pkg.Tables {
		at := schema.NewTable(t.SQLName)
		at.SetSchema(s)
		if t.Comment != "" {
			at.SetComment(t.Comment)
		}
		for _, c := range t.Columns {
			ac := &schema.Column{
				Name:    c.SQLName,
				Type:    &schema.ColumnType{Type: atlasType(c.Type, enums), Null: c.Nullable},
				Default: atlasDefault(c),
			}
			if it, ok := ac.Type.Type.(*schema.IntegerType); ok && c.Serial {
				st := &postgres.SerialType{}
				st.SetType(it)
				ac.Type.Type = st
			} else if c.Identity {
				ac.Attrs = append(ac.Attrs, &postgres.Identity{
					Generation: "BY DEFAULT",
					Sequence:   &postgres.Sequence{Start: 1, Increment: 1},
				})
			}
			if c.Generated != "" {
				ac.Attrs = append(ac.Attrs, &schema.GeneratedExpr{Expr: c.Generated, Type: "STORED"})
			}
			if c.Collation != "" {
				ac.Attrs = append(ac.Attrs, &schema.Collation{V: c.Collation})
			}
			if c.Comment != "" {
				ac.Attrs = append(ac.Attrs, &schema.Comment{Text: c.Comment})
			}
			at.AddColumns(ac)
			columns[c] = ac
		}
		// Column checks and the checks of validation rules, in column
		// order, then the table's checks.
		for _, k := range t.Checks {
			at.AddChecks(&schema.Check{Name: k.SQLName, Expr: k.Expr})
		}
		// The key as Atlas creates it, named after the table; a name of
		// its own (primary_key_name:) is an object renaming it after.
		pk := &schema.Index{Name: names.PrimaryKey(t.SQLName), Unique: true, Table: at}
		for i, c := range t.PK {
			pk.Parts = append(pk.Parts, &schema.IndexPart{SeqNo: i, C: columns[c]})
		}
		if len(t.PK) > 0 {
			at.SetPrimaryKey(pk)
		}
		if p := t.Partition; p != nil {
			// PARTITION BY; the partitions are objects (see ir.Partitioning).
			attr := &postgres.Partition{T: p.Method}
			for _, c := range p.Key {
				attr.Parts = append(attr.Parts, &postgres.PartitionPart{C: columns[c]})
			}
			at.AddAttrs(attr)
		}
		for _, c := range t.Columns {
			if c.UniqueName != "" {
				idx := &schema.Index{Name: c.UniqueName, Unique: true, Table: at}
				if c.UniqueTenant != nil {
					// Unique within each tenant.
					idx.Parts = append(idx.Parts, &schema.IndexPart{SeqNo: 0, C: columns[c.UniqueTenant]})
					columns[c.UniqueTenant].Indexes = append(columns[c.UniqueTenant].Indexes, idx)
				}
				idx.Parts = append(idx.Parts, &schema.IndexPart{SeqNo: len(idx.Parts), C: columns[c]})
				if t.LivePredicate != "" {
					// A unique index over the live rows: a deleted row does
					// not block a new one. (A constraint cannot be partial.)
					idx.Attrs = append(idx.Attrs, &postgres.IndexPredicate{P: t.LivePredicate})
				} else {
					idx.Attrs = append(idx.Attrs, postgres.UniqueConstraint(c.UniqueName))
				}
				at.Indexes = append(at.Indexes, idx)
				columns[c].Indexes = append(columns[c].Indexes, idx)
			}
		}
		for _, ix := range t.Indexes {
			at.Indexes = append(at.Indexes, atlasIndex(at, ix))
		}
		for _, k := range t.TenantKeys {
			// What tenant-scoped foreign keys to the table reference.
			idx := &schema.Index{Name: k.Name, Unique: true, Table: at, Attrs: []schema.Attr{postgres.UniqueConstraint(k.Name)}}
			for i, c := range k.Columns {
				idx.Parts = append(idx.Parts, &schema.IndexPart{SeqNo: i, C: columns[c]})
				columns[c].Indexes = append(columns[c].Indexes, idx)
			}
			at.Indexes = append(at.Indexes, idx)
		}
		tables[t.SQLName] = at
		s.AddTables(at)
	}
	if pkg.Audit {
		s.AddTables(auditTable(s), auditHeadTable(s), auditKeyTable(s))
	}
	if pkg.TenantKeys {
		s.AddTables(tenantKeyTable(s))
	}
	// Foreign keys, once every table exists.
	for _, t := range pkg.Tables {
		at := tables[t.SQLName]
		for _, c := range t.Columns {
			ref := c.References
			if ref == nil {
				continue
			}
			rt := tables[ref.Table.SQLName]
			fk := &schema.ForeignKey{
				Symbol:   ref.Name,
				Table:    at,
				RefTable: rt,
				OnUpdate: referenceOptions[ref.OnUpdate],
				OnDelete: referenceOptions[ref.OnDelete],
			}
			for _, kc := range ref.Columns(c) {
				fk.Columns = append(fk.Columns, columns[kc])
				columns[kc].ForeignKeys = append(columns[kc].ForeignKeys, fk)
			}
			for _, rc := range ref.RefColumns() {
				col, _ := rt.Column(rc.SQLName)
				fk.RefColumns = append(fk.RefColumns, col)
			}
			if ref.Tenant != nil && (ref.OnDelete == "set null" || ref.OnDelete == "set default") {
				// Only the column: the tenant column keeps its value.
				fk.OnDelete = SetColumns(fk.OnDelete, c.SQLName)
			}
			at.ForeignKeys = append(at.ForeignKeys, fk)
		}
	}
	return s
}

// SetColumns returns the ON DELETE action SET NULL or SET DEFAULT
// limited to the columns cols (PostgreSQL 15): SET NULL ("deal_id").
// Atlas renders the action as it is written.
func SetColumns(action schema.ReferenceOption, cols ...string) schema.ReferenceOption {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = names.QuoteIdent(c)
	}
	return schema.ReferenceOption(string(action) + " (" + strings.Join(quoted, ", ") + ")")
}

// SplitColumns splits an action made by SetColumns into the action and
// its columns; an action without columns comes back as it is.
func SplitColumns(action schema.ReferenceOption) (schema.ReferenceOption, []string) {
	head, rest, ok := strings.Cut(string(action), " (")
	if !ok || !strings.HasSuffix(rest, ")") {
		return action, nil
	}
	var cols []string
	for _, c := range strings.Split(strings.TrimSuffix(rest, ")"), ", ") {
		if u, ok := strings.CutPrefix(c, `"`); ok {
			c = strings.ReplaceAll(strings.TrimSuffix(u, `"`), `""`, `"`)
		}
		cols = append(cols, c)
	}
	return schema.ReferenceOption(head), cols
}

// atlasIndex returns the Atlas form of an index of table at.
func atlasIndex(at *schema.Table, ix *ir.Index) *schema.Index {
	idx := &schema.Index{Name: ix.Name, Unique: ix.Unique, Table: at}
	for i, p := range ix.Parts {
		part := &schema.IndexPart{SeqNo: i, Desc: p.Desc}
		if p.Column != nil {
			part.C, _ = at.Column(p.Column.SQLName)
			part.C.Indexes = append(part.C.Indexes, idx)
		} else {
			part.X = &schema.RawExpr{X: p.Expr}
		}
		switch p.Nulls {
		case "first":
			part.Attrs = append(part.Attrs, &postgres.IndexColumnProperty{NullsFirst: true})
		case "last":
			part.Attrs = append(part.Attrs, &postgres.IndexColumnProperty{NullsLast: true})
		}
		idx.Parts = append(idx.Parts, part)
	}
	if ix.Predicate != "" {
		idx.Attrs = append(idx.Attrs, &postgres.IndexPredicate{P: ix.Predicate})
	}
	if ix.Constraint {
		idx.Attrs = append(idx.Attrs, postgres.UniqueConstraint(ix.Name))
	}
	if ix.NullsNotDistinct {
		idx.Attrs = append(idx.Attrs, &postgres.IndexNullsDistinct{V: false})
	}
	if ix.Method != "" && ix.Method != "btree" {
		idx.Attrs = append(idx.Attrs, &postgres.IndexType{T: strings.ToUpper(ix.Method)})
	}
	return idx
}

// CommentOnType returns the statement setting the comment of a type,
// or removing it when comment is empty.
func CommentOnType(name, comment string) string {
	if comment == "" {
		return "COMMENT ON TYPE " + names.QuoteIdent(name) + " IS NULL"
	}
	return "COMMENT ON TYPE " + names.QuoteIdent(name) + " IS " + names.QuoteLiteral(comment)
}

// PlanSQL renders the statements that change schema from into schema to,
// as Atlas plans them, without schema qualifiers.
func PlanSQL(from, to *schema.Schema) ([]*migrate.Change, error) {
	changes, err := postgres.DefaultDiff.SchemaDiff(from, to)
	if err != nil {
		return nil, fmt.Errorf("diff schema: %w", err)
	}
	if len(changes) == 0 {
		return nil, nil
	}
	plan, err := atlasorder.Plan("schema", changes)
	if err != nil {
		return nil, fmt.Errorf("plan schema: %w", err)
	}
	return plan.Changes, nil
}

// SchemaSQL renders schema.sql: the DDL creating the package's whole
// schema in an empty database.
func SchemaSQL(pkg *ir.Package) ([]byte, error) {
	changes, err := PlanSQL(schema.New(SchemaName), AtlasSchema(pkg))
	if err != nil {
		return nil, fmt.Errorf("schema.sql: %w", err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "-- %s\n-- source: %s\n", writer.Header, strings.Join(pkg.Sources, ", "))
	for _, e := range pkg.Extensions {
		fmt.Fprintf(&b, "\n%s;\n", e.Create())
	}
	early, late := ir.SplitEarly(pkg.Objects)
	for _, o := range early {
		fmt.Fprintf(&b, "\n-- Create %s\n%s;\n", o.Title(), o.Create)
	}
	for _, c := range changes {
		b.WriteString("\n")
		if c.Comment != "" {
			fmt.Fprintf(&b, "-- %s\n", strings.ToUpper(c.Comment[:1])+c.Comment[1:])
		}
		b.WriteString(c.Cmd)
		b.WriteString(";\n")
	}
	for _, e := range pkg.Enums {
		if e.Comment != "" {
			fmt.Fprintf(&b, "\n-- Set comment to enum type: %q\n%s;\n", e.SQLName, CommentOnType(e.SQLName, e.Comment))
		}
	}
	for _, d := range pkg.Distributions {
		if d.IsReference() {
			fmt.Fprintf(&b, "\n-- Copy %q to every node of the Citus cluster (a reference table)\n", d.Table)
		} else {
			fmt.Fprintf(&b, "\n-- Distribute %q over the Citus cluster by %q\n", d.Table, d.Column)
		}
		b.WriteString(d.Create())
		b.WriteString(";\n")
	}
	// The objects come before the policies, which call cpcgen's own
	// function.
	for _, o := range late {
		fmt.Fprintf(&b, "\n-- Create %s\n%s;\n", o.Title(), o.Create)
	}
	b.Write(PoliciesSQL(pkg))
	return b.Bytes(), nil
}

// PoliciesSQL renders the statements creating the row-level security
// policies of the package's tenant tables, as schema.sql ends with them:
// after the tables and the SQL objects.
func PoliciesSQL(pkg *ir.Package) []byte {
	var b bytes.Buffer
	for _, p := range pkg.Policies {
		fmt.Fprintf(&b, "\n-- Confine the rows of %q to the statement's verified tenant (row-level security)\n", p.Table)
		for _, stmt := range p.Create() {
			b.WriteString(stmt)
			b.WriteString(";\n")
		}
	}
	return b.Bytes()
}

// tenantKeyTable is the table of the tenant keys the database accepts
// (runtime.TenantKeyTable): the pads of HMAC-SHA256 under each key, by
// the key's id, which cpcgen_tenant() verifies tenant tokens with. Only
// its owner may read it (ir.TenantKeyObject revokes the rest).
func tenantKeyTable(s *schema.Schema) *schema.Table {
	return ownTable(s, runtime.TenantKeyTable, "The tenant keys tenant tokens may be signed with (cpcgen tenant-key add); only the owner may read it.", "id",
		ownColumn("id", "text", false, "", "The key's id (runtime.TenantKey.ID), which tokens carry."),
		ownColumn("inner_key", "bytea", false, "", "The key XOR HMAC's inner pad (runtime.TenantKey.Pads)."),
		ownColumn("outer_key", "bytea", false, "", "The key XOR HMAC's outer pad."),
		ownColumn("added_at", "timestamptz", false, "now()", "When the key was added."),
	)
}

// AuditActions are the values of the action column of the audit log.
var AuditActions = []string{"create", "update", "delete", "restore", "upsert", "hard_delete"}

// ownColumn returns a column of a table cpcgen adds to the schema (the
// tenant keys, the audit tables); its type is a row of the type table, as
// spec columns' are.
func ownColumn(name, typ string, null bool, def string, comment string) *schema.Column {
	c := &schema.Column{Name: name, Type: &schema.ColumnType{Type: pgtypes.Lookup(typ).AtlasType(nil), Null: null}}
	if def != "" {
		c.Default = &schema.RawExpr{X: def}
	}
	if comment != "" {
		c.Attrs = append(c.Attrs, &schema.Comment{Text: comment})
	}
	return c
}

// ownTable returns a table cpcgen adds to schema s: its name, comment,
// columns, and the column that is its primary key.
func ownTable(s *schema.Schema, name, comment, key string, cols ...*schema.Column) *schema.Table {
	at := schema.NewTable(name)
	at.SetSchema(s)
	at.SetComment(comment)
	at.AddColumns(cols...)
	at.SetPrimaryKey(ownIndex(at, names.PrimaryKey(name), true, key))
	return at
}

// ownIndex returns the index named name of table at on its columns cols,
// in order.
func ownIndex(at *schema.Table, name string, unique bool, cols ...string) *schema.Index {
	ix := &schema.Index{Name: name, Unique: unique, Table: at}
	for i, col := range cols {
		c, _ := at.Column(col)
		ix.Parts = append(ix.Parts, &schema.IndexPart{SeqNo: i, C: c})
	}
	return ix
}

// auditTable is the audit log table: one row per row changed in a table
// with audit: true, written by the table's trigger (the function
// cpcgen_audit, an SQL object of the package). tenant, seq and hash come
// last: they were added to a log that had the others.
func auditTable(s *schema.Schema) *schema.Table {
	id := ownColumn("id", "bigint", false, "", "")
	id.Attrs = append(id.Attrs, &postgres.Identity{Generation: "BY DEFAULT", Sequence: &postgres.Sequence{Start: 1, Increment: 1}})
	at := ownTable(s, ir.AuditTable, "One row per row changed in a table with audit: true, written by its trigger; a hash chain per tenant.", "id",
		id,
		ownColumn("table_name", "text", false, "", "The table the row belongs to."),
		ownColumn("row_key", "jsonb", false, "", "The row's primary key, as a JSON object of its columns."),
		ownColumn("action", "text", false, "", "What happened to the row."),
		ownColumn("actor", "text", true, "", "Who acted, as the application says: runtime.WithActor, NULL when not given."),
		ownColumn("old", "jsonb", true, "", "The row before the change, sensitive values as keyed hashes; NULL for a new row."),
		ownColumn("new", "jsonb", true, "", "The row after the change, sensitive values as keyed hashes; NULL for a deleted row."),
		ownColumn("at", "timestamptz", false, "now()", "The time of the change's transaction."),
		ownColumn("txid", "bigint", false, "txid_current()", "The change's transaction."),
		ownColumn("tenant", "text", true, "", "The row's tenant (its tenant column as text); NULL for a table without tenant:."),
		ownColumn("seq", "bigint", true, "", "The row's place in its tenant's hash chain, from 1."),
		ownColumn("hash", "bytea", true, "", "SHA-256 of the previous row's hash and this row's payload (cpcgen_audit_hash)."),
	)
	quoted := make([]string, len(AuditActions))
	for i, a := range AuditActions {
		quoted[i] = names.QuoteLiteral(a)
	}
	at.AddChecks(&schema.Check{Name: names.Constraint(ir.AuditTable, "action", "check"), Expr: `"action" IN (` + strings.Join(quoted, ", ") + ")"})
	at.AddIndexes(
		// A row's entries, in order: what the AuditTrail methods read.
		ownIndex(at, names.Constraint(ir.AuditTable, "table_name", "row_key", "id", "idx"), false, "table_name", "row_key", "id"),
		// A chain in order, each place once: what cpcgen_audit_verify reads.
		ownIndex(at, names.Constraint(ir.AuditTable, "tenant", "seq", "key"), true, "tenant", "seq"),
	)
	return at
}

// auditHeadTable holds the head of each tenant's chain: the audit
// trigger locks a tenant's row to take the next place, so the audited
// changes of one tenant are chained one transaction at a time.
func auditHeadTable(s *schema.Schema) *schema.Table {
	return ownTable(s, ir.AuditHeadTable, "The last place and hash of each tenant's chain of audit rows ('' for the rows without a tenant).", "tenant",
		ownColumn("tenant", "text", false, "", ""),
		ownColumn("seq", "bigint", false, "", ""),
		ownColumn("hash", "bytea", false, "", ""),
	)
}

// auditKeyTable holds the one key of the keyed hashes of sensitive
// values, made on first use; only its owner reads it.
func auditKeyTable(s *schema.Schema) *schema.Table {
	at := ownTable(s, ir.AuditKeyTable, "The key of the HMAC-SHA256 of sensitive values in audit rows, as its inner and outer padded keys. Grant nothing on it.", "id",
		ownColumn("id", "boolean", false, "true", ""),
		ownColumn("inner_key", "bytea", false, "", ""),
		ownColumn("outer_key", "bytea", false, "", ""),
	)
	at.AddChecks(&schema.Check{Name: names.Constraint(ir.AuditKeyTable, "id", "check"), Expr: `"id"`})
	return at
}

// IsConstraintIndex reports whether an index of a built or inspected
// table is a constraint's (a unique or exclusion constraint, which ALTER
// TABLE adds and drops) rather than an index of its own.
func IsConstraintIndex(ix *schema.Index) bool {
	for _, a := range ix.Attrs {
		if _, ok := a.(*postgres.Constraint); ok {
			return true
		}
	}
	return false
}
