package generator

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// maxCopyOptional bounds the columns with defaults CreateMany can group
// rows by: a row's set optional fields are a bit mask in a uint64.
const maxCopyOptional = 64

// bulkMethods are the bulk methods of a repository that Build may add.
var bulkMethods = []string{"FindByIDs", "CreateMany", "CreateManyReturning"}

// buildBatch fills t.Batch: FindByIDs for a single-column key, CreateMany
// over COPY and CreateManyReturning.
func (b *builder) buildBatch(t *ir.Table) {
	st := b.tableSpec[t]
	what := fmt.Sprintf("table %q", st.Name)
	for _, m := range bulkMethods {
		b.repoMethod(t, m, "the generated method "+m, spec.Pos{})
	}
	switch len(t.PK) {
	case 0:
		t.Notes = append(t.Notes, "FindByIDs is not generated: the table has no primary key.")
	case 1:
		s := findByIDsSQL(t)
		t.Batch.FindByIDs = &s
		b.declareStatement(t, s, st.Pos)
	default:
		t.Notes = append(t.Notes, "FindByIDs is not generated: the primary key has several columns.")
	}

	unnest := false // CreateMany inserts with a statement, not COPY
	switch opt := optionalColumns(t.Insert); {
	case len(t.Insert) == 0:
		t.Notes = append(t.Notes, "CreateMany is not generated: the table has no column a caller sets.")
	case len(opt) > maxCopyOptional:
		// COPY groups the rows by the optional fields they set, a bit
		// mask of 64; the statement takes each column's default where a
		// row leaves it unset (Zabbix's config has 115).
		unnest = true
		t.Notes = append(t.Notes, fmt.Sprintf("CreateMany inserts with a statement, not COPY: more than %d columns have defaults.", maxCopyOptional))
	default:
		t.Batch.Copier = "copy" + t.Plural
		b.declareDerived(t, t.Batch.Copier, "the COPY copier of "+what, st.Pos)
		seen := map[string]bool{}
		for _, c := range t.Insert {
			if c.Type.IsEnumArray() && !seen[c.Type.Enum.SQLName] {
				seen[c.Type.Enum.SQLName] = true
				t.Batch.CopyEnums = append(t.Batch.CopyEnums, names.QuoteIdent(c.Type.Enum.SQLName))
			}
		}
	}

	t.Batch.ReturningBatch = len(t.Insert) == 0
	copyable := true
	for _, c := range t.Insert {
		if c.Type.ArrayDims > 0 || (c.Type.Base != nil && !c.Type.Base.Unnest) {
			// unnest flattens an array of arrays into its elements, and
			// a type that cannot travel as an array parameter cannot
			// travel through it at all.
			t.Batch.ReturningBatch = true
		}
		if c.Type.Base != nil && !c.Type.Base.Copy {
			copyable = false
		}
	}
	if !t.Batch.ReturningBatch {
		t.Batch.Returning = createManySQL(t, "CreateManyReturning", true)
		t.Batch.Returning.Const = sqlName(t, "CreateManyReturning")
		b.declareStatement(t, t.Batch.Returning, st.Pos)
	}
	if unnest && !t.Batch.ReturningBatch {
		t.Batch.Insert = createManySQL(t, "CreateMany", false)
		t.Batch.Insert.Const = sqlName(t, "CreateMany")
		b.declareStatement(t, t.Batch.Insert, st.Pos)
	}
	if t.Batch.Copier != "" && (t.Tenant != nil || !copyable) {
		// COPY FROM does not run under row-level security, and takes only
		// types pgx encodes in COPY's binary format: CreateMany inserts
		// with a statement instead. (An audited table's triggers log the
		// rows COPY writes too.)
		t.Batch.Copier = ""
		t.Batch.CopyEnums = nil
		if !t.Batch.ReturningBatch {
			t.Batch.Insert = createManySQL(t, "CreateMany", false)
			t.Batch.Insert.Const = sqlName(t, "CreateMany")
			b.declareStatement(t, t.Batch.Insert, st.Pos)
		}
	}
}

// optionalColumns returns the columns with a default: their insert fields
// are runtime.Opt.
func optionalColumns(cols []*ir.Column) []*ir.Column {
	var out []*ir.Column
	for _, c := range cols {
		if c.HasDefault {
			out = append(out, c)
		}
	}
	return out
}

// buildUniqueKeys fills t.UniqueKeys and names their upserts: the primary
// key when the caller supplies every column of it, each unique column, and
// each unique index over columns only (a partial one with its predicate).
// A key is listed once, however many constraints it has.
func (b *builder) buildUniqueKeys(t *ir.Table) {
	st := b.tableSpec[t]
	byName := map[string]*ir.Column{}
	for _, c := range t.Columns {
		byName[c.SQLName] = c
	}
	insertable := map[*ir.Column]bool{}
	for _, c := range t.Insert {
		insertable[c] = true
	}
	if t.Tenant != nil {
		// Create stamps the tenant, so a key over it can be upserted by.
		insertable[t.Tenant] = true
	}
	seen := map[string]bool{}
	byCols := map[string]string{}
	add := func(cols []*spec.Column, where string, pos spec.Pos, isPK, global bool) {
		var named []*ir.Column
		for _, sc := range cols {
			c := byName[sc.Name]
			if c == nil || !insertable[c] {
				return
			}
			named = append(named, c)
		}
		// The key the database holds: on a tenant table, a unique key
		// that is not global starts with the tenant column. The methods
		// are named after the columns the spec lists.
		key := named
		if !isPK {
			key = scopedKeyColumns(t, named, global)
		}
		var colNames []string
		for _, c := range key {
			colNames = append(colNames, c.SQLName)
		}
		id := strings.Join(colNames, "\x00") + "\x00" + where
		if seen[id] {
			return
		}
		seen[id] = true
		if prev, ok := byCols[strings.Join(colNames, "\x00")]; ok {
			// Another key over the same columns (partial unique indexes
			// with other predicates): the upsert names are the first's.
			cond := "without a predicate"
			if where != "" {
				cond = "WHERE " + where
			}
			t.Notes = append(t.Notes, fmt.Sprintf("The unique key (%s) %s has no upsert of its own: UpsertBy and CreateIfAbsentBy over these columns use %s.",
				strings.Join(colNames, ", "), cond, prev))
			return
		}
		if where == "" {
			byCols[strings.Join(colNames, "\x00")] = "the key without a predicate"
		} else {
			byCols[strings.Join(colNames, "\x00")] = "the one WHERE " + where
		}
		k := &ir.UniqueKey{Columns: key, Where: where}
		if !isPK {
			// On a soft-delete table, unique keys hold among live rows.
			k.Where = uniquePredicate(t, where)
		}
		// The row in the way may be out of the caller's sight: another
		// tenant's, or a soft-deleted one under the primary key, which
		// cannot be partial.
		k.Hidden = t.Tenant != nil || (t.DeletedAt != nil && isPK)
		k.MayMiss = k.Hidden
		var fields []string
		for _, c := range named {
			fields = append(fields, c.Field)
		}
		suffix := strings.Join(fields, "And")
		k.Upsert, k.CreateIfAbsent = "UpsertBy"+suffix, "CreateIfAbsentBy"+suffix
		desc := fmt.Sprintf("the upsert on the unique key (%s)", strings.Join(colNames, ", "))
		ok := b.repoMethod(t, k.Upsert, desc, pos)
		ok = b.repoMethod(t, k.CreateIfAbsent, desc, pos) && ok
		if !ok {
			return
		}
		k.UpsertSQL = upsertSQL(t, k)
		k.UpsertSQL.Const = sqlName(t, k.Upsert)
		k.CreateIfAbsentSQL = createIfAbsentSQL(t, k)
		k.CreateIfAbsentSQL.Const = sqlName(t, k.CreateIfAbsent)
		b.declareStatement(t, k.UpsertSQL, pos)
		b.declareStatement(t, k.CreateIfAbsentSQL, pos)
		t.UniqueKeys = append(t.UniqueKeys, k)
	}
	pkSupplied := len(t.PK) > 0
	for _, c := range t.PK {
		pkSupplied = pkSupplied && !c.HasDefault
	}
	if pkSupplied {
		// A key the database generates cannot conflict with a new row.
		add(st.PrimaryKey, "", st.Pos, true, false)
	}
	for _, c := range st.Columns {
		if c.Unique {
			add([]*spec.Column{c}, "", c.Pos, false, c.Global)
		}
	}
	for _, ix := range st.Indexes {
		if !ix.Unique {
			continue
		}
		var cols []*spec.Column
		for _, part := range ix.Parts {
			if part.Column == nil {
				// ON CONFLICT can infer an expression index, but the insert
				// struct has no value of the expression to upsert by.
				cols = nil
				break
			}
			cols = append(cols, part.Column)
		}
		if cols != nil {
			add(cols, ix.Where, ix.Pos, false, ix.Global)
		}
	}
}
