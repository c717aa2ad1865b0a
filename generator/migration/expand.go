package migration

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// expansion is a column renamed by a renamed_from hint that the plan
// turns into expand/contract instead of a RENAME: the release still
// running during the deploy keeps reading and writing the old column.
//
// The expand migration adds the new column (nullable, without its
// default), a trigger keeping both columns equal whichever one a
// statement writes, a backfill copying the old values in batches, the
// new column's indexes and constraints built online, and its NOT NULL
// through a validated check. The old column stays until a later
// migrate diff --contract, run once no release that uses it runs any
// more, drops it with the trigger and gives the new column its default.
type expansion struct {
	table, from, to string
}

// keptColumn is a column the schema keeps after the migration although
// the specs no longer have it, or a column whose default the contract
// sets (heldDefault): the snapshot describes the database as the
// migration leaves it.
type keptColumn struct {
	table, column string
	// zeroDefault is the default the migration gave the column.
	zeroDefault string
	heldDefault string
}

// expandable says why a renamed column cannot be planned as
// expand/contract, or "" when it can.
func expandable(current, desired *schema.Schema, t *ir.Table, c *ir.Column, ct *schema.Table, oc *schema.Column, tableRenamed bool) string {
	switch {
	case tableRenamed:
		return fmt.Sprintf("table %q is renamed by the same migration", t.SQLName)
	case c.PrimaryKey || inPrimaryKey(ct, oc.Name):
		return "it is part of the primary key"
	case t.Tenant == c:
		return "it is the tenant column, which the row-level security policy names"
	case t.DistributedBy == c:
		return "it is the distribution column"
	case c.Serial || numbering(oc) == "serial":
		return "it is a serial column"
	case c.Identity || isIdentity(oc):
		return "it is an identity column"
	}
	dt, ok := desired.Table(t.SQLName)
	if !ok {
		return "the table is not in the schema"
	}
	nc, ok := dt.Column(c.SQLName)
	if !ok {
		return "the column is not in the schema"
	}
	if from, to := typeString(oc.Type.Type), typeString(nc.Type.Type); from != to {
		return fmt.Sprintf("its type changes too (%s to %s); rename it keeping its type, and change the type in a later migration", from, to)
	}
	if oc.Type.Null != nc.Type.Null {
		return "its nullability changes too; rename it first, and change that in a later migration"
	}
	for _, ot := range current.Tables {
		for _, fk := range ot.ForeignKeys {
			if fk.RefTable == nil || fk.RefTable.Name != ct.Name {
				continue
			}
			for _, rc := range fk.RefColumns {
				if rc.Name == oc.Name {
					return fmt.Sprintf("foreign key %q of table %q references it", fk.Symbol, ot.Name)
				}
			}
		}
	}
	return ""
}

func inPrimaryKey(t *schema.Table, column string) bool {
	if t == nil || t.PrimaryKey == nil {
		return false
	}
	for _, p := range t.PrimaryKey.Parts {
		if p.C != nil && p.C.Name == column {
			return true
		}
	}
	return false
}

// findModify returns the ModifyTable of the named table among changes.
func findModify(changes []schema.Change, table string) *schema.ModifyTable {
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok && mt.T.Name == table {
			return mt
		}
	}
	return nil
}

// involves reports whether a drop of an index, check or foreign key is
// one PostgreSQL does itself when the column is dropped.
func involves(c schema.Change, column string) bool {
	switch c := c.(type) {
	case *schema.DropIndex:
		return indexInvolves(c.I, column)
	case *schema.DropCheck:
		return mentions(c.C.Expr, column)
	case *schema.DropForeignKey:
		return fkInvolves(c.F, column)
	}
	return false
}

func indexInvolves(i *schema.Index, column string) bool {
	for _, p := range i.Parts {
		if p.C != nil && p.C.Name == column || p.X != nil && mentions(exprText(p.X), column) {
			return true
		}
	}
	return false
}

func fkInvolves(f *schema.ForeignKey, column string) bool {
	for _, c := range f.Columns {
		if c.Name == column {
			return true
		}
	}
	return false
}

// prune drops the ModifyTable changes left without a change.
func prune(changes []schema.Change) []schema.Change {
	out := changes[:0:0]
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok && len(mt.Changes) == 0 {
			continue
		}
		out = append(out, c)
	}
	return out
}

// expand turns the drop and add Atlas planned for each expansion into
// the expand migration. It returns the changes left and the statements
// for after Atlas's (the trigger, the backfill, the NOT NULL steps).
func (p *Planned) expand(current *schema.Schema, changes []schema.Change, exps []*expansion) ([]schema.Change, []*Change, error) {
	var post []*Change
	for _, e := range exps {
		mt := findModify(changes, e.table)
		if mt == nil {
			return nil, nil, fmt.Errorf("plan migration: renaming %q.%q to %q found neither column; check renamed_from", e.table, e.from, e.to)
		}
		var added *schema.Column
		var kept []schema.Change
		for _, tc := range mt.Changes {
			switch tc := tc.(type) {
			case *schema.DropColumn:
				if tc.C.Name == e.from {
					continue
				}
			case *schema.AddColumn:
				if tc.C.Name == e.to {
					added = tc.C
					col := *tc.C
					col.Type = &schema.ColumnType{Type: tc.C.Type.Type, Raw: tc.C.Type.Raw, Null: true}
					col.Default = nil
					kept = append(kept, &schema.AddColumn{C: &col})
					continue
				}
			}
			if involves(tc, e.from) {
				continue // stays with the old column until the contract
			}
			kept = append(kept, tc)
		}
		if added == nil {
			return nil, nil, fmt.Errorf("plan migration: renaming %q.%q to %q found no new column; check renamed_from", e.table, e.from, e.to)
		}
		mt.Changes = kept
		pc := &Pending{Kind: PendingRename, Table: e.table, Column: e.from, To: e.to}
		p.Pending = append(p.Pending, pc)
		p.kept = append(p.kept, keptColumn{table: e.table, column: e.from}, keptColumn{table: e.table, heldDefault: e.to})
		sync := pc.syncName()
		post = append(post,
			&Change{
				Cmd:     syncFunction(pc),
				Reverse: []string{fmt.Sprintf("DROP FUNCTION IF EXISTS %s()", quote(sync))},
				Comment: fmt.Sprintf("create function %q copying %q.%q and %q into each other, whichever a statement writes", sync, e.table, e.from, e.to),
			},
			&Change{
				Cmd:     syncTrigger(pc),
				Reverse: []string{fmt.Sprintf("DROP TRIGGER IF EXISTS %s ON %s", quote(sync), quote(e.table))},
				Comment: fmt.Sprintf("keep %q.%q and %q equal on every insert and update", e.table, e.from, e.to),
			})
		if !added.Type.Null {
			post = append(post, notNull(e.table, e.to)...)
		}
		post = append(post, backfill(e.table, e.to, quote(e.from), quote(e.to)+" IS DISTINCT FROM "+quote(e.from)))
		p.replaceSummary(fmt.Sprintf("add column %q.%q", e.table, e.to),
			fmt.Sprintf("rename column %q.%q to %q by expand/contract (a sync trigger and a backfill now; the old column goes with migrate diff --contract)", e.table, e.from, e.to))
		p.Notes = append(p.Notes, Finding{
			Kind: Deferred, Code: "CPC601",
			Message: fmt.Sprintf("rename column %q.%q to %q is planned as expand/contract: this migration adds %q, keeps both columns equal with trigger %q and copies the rows in batches, so the running code keeps using %q",
				e.table, e.from, e.to, e.to, sync, e.from),
			Hint: fmt.Sprintf("once this release runs everywhere, run cpcgen migrate diff NAME --contract to drop %q and the trigger", e.from),
		})
	}
	return prune(changes), post, nil
}

// deferDrops keeps the columns the specs dropped while the running code
// reads them: the drop waits for the contract. The new code's inserts
// leave such a column out, so a NOT NULL column without a default gets
// the zero value of its type as its default now, which the old code reads
// back like any value; one with a unique index, a foreign key or a check
// (which the zero value could violate) cannot be kept that way, and its
// drop stays in the plan, breaking (refusals says why).
func (p *Planned) deferDrops(current *schema.Schema, changes []schema.Change, us []*Usage) []schema.Change {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		u := usageOfTable(us, mt.T.Name)
		ct, _ := current.Table(mt.T.Name)
		var drops []*schema.DropColumn
		for _, tc := range mt.Changes {
			if d, ok := tc.(*schema.DropColumn); ok && u.reads(d.C.Name) && !inPrimaryKey(ct, d.C.Name) {
				drops = append(drops, d)
			}
		}
		for _, d := range drops {
			var zero string
			if !d.C.Type.Null && d.C.Default == nil && !isIdentity(d.C) {
				why := ""
				zero, why = keepable(ct, d.C)
				if why != "" {
					p.refusals[mt.T.Name+"."+d.C.Name] = why
					continue
				}
			}
			var kept []schema.Change
			for _, tc := range mt.Changes {
				if tc == d || involves(tc, d.C.Name) {
					continue
				}
				kept = append(kept, tc)
			}
			line := fmt.Sprintf("drop column %q.%q (deferred: the running code reads it; migrate diff --contract drops it)", mt.T.Name, d.C.Name)
			k := keptColumn{table: mt.T.Name, column: d.C.Name, zeroDefault: zero}
			p.summaryExtra = append(p.summaryExtra, line)
			mt.Changes = kept
			p.kept = append(p.kept, k)
			p.Deferred = append(p.Deferred, &schema.ModifyTable{T: mt.T, Changes: []schema.Change{d}})
			p.Pending = append(p.Pending, &Pending{Kind: PendingDrop, Table: mt.T.Name, Column: d.C.Name})
			extra := ""
			if zero != "" {
				p.post = append(p.post, &Change{
					Cmd:     fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", quote(mt.T.Name), quote(d.C.Name), zero),
					Reverse: []string{dropDefault(mt.T.Name, d.C.Name)},
					Comment: fmt.Sprintf("give %q.%q, which the new code no longer writes, a default until the contract drops it", mt.T.Name, d.C.Name),
				})
				extra = fmt.Sprintf("; it gets the default %s now, as the new code's inserts leave it out", zero)
			}
			p.Notes = append(p.Notes, Finding{
				Kind: Deferred, Code: "CPC602",
				Message: fmt.Sprintf("drop column %q.%q is deferred: the running code reads it, so the column stays until the contract%s", mt.T.Name, d.C.Name, extra),
				Hint:    "once this release runs everywhere, run cpcgen migrate diff NAME --contract to drop it",
			})
		}
	}
	return prune(changes)
}

// keepable returns the default a NOT NULL column without one can be kept
// with while the new code leaves it out — the zero value of its type —
// or why it cannot be.
func keepable(t *schema.Table, c *schema.Column) (zero, why string) {
	if t != nil {
		for _, idx := range t.Indexes {
			if idx.Unique && indexInvolves(idx, c.Name) {
				return "", fmt.Sprintf("it is NOT NULL without a default and unique index %q covers it, so the new code's inserts cannot leave it out", idx.Name)
			}
		}
		for _, fk := range t.ForeignKeys {
			if fkInvolves(fk, c.Name) {
				return "", fmt.Sprintf("it is NOT NULL without a default and foreign key %q covers it, so the new code's inserts cannot leave it out", fk.Symbol)
			}
		}
		for _, a := range t.Attrs {
			if k, ok := a.(*schema.Check); ok && mentions(k.Expr, c.Name) {
				return "", fmt.Sprintf("it is NOT NULL without a default and check %q may refuse a default the new code's inserts would fall back to", k.Name)
			}
		}
	}
	if zero := zeroValue(c.Type.Type); zero != "" {
		return zero, ""
	}
	return "", fmt.Sprintf("it is NOT NULL without a default and its type %s has no zero value to fall back to", typeString(c.Type.Type))
}

// zeroValue is the SQL literal of the zero value of a type, or "".
func zeroValue(t schema.Type) string {
	switch t := t.(type) {
	case *schema.StringType, *schema.BinaryType:
		return "''"
	case *schema.IntegerType, *schema.DecimalType, *schema.FloatType:
		return "0"
	case *schema.BoolType:
		return "false"
	case *schema.UUIDType:
		return "'00000000-0000-0000-0000-000000000000'"
	case *schema.JSONType:
		return "'null'"
	case *postgres.BitType:
		if strings.Contains(t.T, "var") {
			return "B''"
		}
		return "B'" + strings.Repeat("0", int(max(t.Len, 1))) + "'"
	case *schema.TimeType:
		switch timeKind(t.T) {
		case "date", "timestamp", "timestamptz":
			return "'epoch'"
		case "time", "timetz":
			return "'00:00'"
		}
		if t.T == "interval" {
			return "'0'"
		}
	case *schema.EnumType:
		if len(t.Values) > 0 {
			return quoteLiteral(t.Values[0])
		}
	}
	if typeString(t) == "interval" {
		return "'0'"
	}
	ts := typeString(t)
	switch {
	case strings.HasSuffix(ts, "[]"), strings.HasSuffix(ts, "multirange"):
		return "'{}'"
	case strings.HasSuffix(ts, "range"):
		return "'empty'"
	}
	switch ts {
	case "inet":
		return "'0.0.0.0'"
	case "cidr":
		return "'0.0.0.0/0'"
	case "macaddr":
		return "'00:00:00:00:00:00'"
	case "macaddr8":
		return "'00:00:00:00:00:00:00:00'"
	case "tsvector", "citext", "ltree", "hstore":
		return "''"
	case "money":
		return "0"
	}
	return ""
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// pendingContracts handles the snapshot's pending contracts: without
// o.contract the changes that belong to them (the drop of the old column
// and of what depends on it, the new column's default) are left out and
// the contracts stay pending; with it they are planned, and it returns
// the statements that go first (the sync trigger's drop).
func (p *Planned) pendingContracts(current, desired *schema.Schema, changes []schema.Change, o planOptions) ([]schema.Change, []*Change, error) {
	var pre []*Change
	for _, pc := range o.pending {
		dt, ok := desired.Table(pc.Table)
		ct, ok2 := current.Table(pc.Table)
		if !ok || !ok2 {
			continue // the table goes, and the column with it
		}
		if _, back := dt.Column(pc.Column); back {
			return nil, nil, fmt.Errorf("column %q.%q is in the specs again, but migration %s keeps it only for its contract (%s); run cpcgen migrate diff NAME --contract first, once that release runs everywhere, or drop the column from the specs",
				pc.Table, pc.Column, pc.Since, pc)
		}
		mt := findModify(changes, pc.Table)
		if !o.contract {
			p.Pending = append(p.Pending, pc)
			p.kept = append(p.kept, keptColumn{table: pc.Table, column: pc.Column})
			if pc.Kind == PendingRename {
				p.kept = append(p.kept, keptColumn{table: pc.Table, heldDefault: pc.To})
			}
			if mt != nil {
				mt.Changes = holdContract(mt.Changes, pc)
			}
			continue
		}
		p.Contracted = append(p.Contracted, pc)
		if pc.Kind != PendingRename {
			continue
		}
		stmts, err := contractRename(ct, pc)
		if err != nil {
			return nil, nil, err
		}
		pre = append(pre, stmts...)
		if oc, ok := ct.Column(pc.Column); ok {
			// What the safety rules see: the column goes.
			p.Schema = append(p.Schema, &schema.ModifyTable{T: ct, Changes: []schema.Change{&schema.DropColumn{C: oc}}})
		}
		p.summaryExtra = append(p.summaryExtra, fmt.Sprintf("drop column %q.%q and trigger %q: the contract of its rename to %q (migration %s)", pc.Table, pc.Column, pc.syncName(), pc.To, pc.Since))
		if mt != nil {
			var kept []schema.Change
			for _, tc := range mt.Changes {
				if d, ok := tc.(*schema.DropColumn); ok && d.C.Name == pc.Column || involves(tc, pc.Column) {
					continue
				}
				kept = append(kept, tc)
			}
			mt.Changes = kept
		}
	}
	return prune(changes), pre, nil
}

// holdContract removes from a table's changes those that belong to a
// pending contract.
func holdContract(changes []schema.Change, pc *Pending) []schema.Change {
	var kept []schema.Change
	for _, tc := range changes {
		if d, ok := tc.(*schema.DropColumn); ok && d.C.Name == pc.Column || involves(tc, pc.Column) {
			continue
		}
		if m, ok := tc.(*schema.ModifyColumn); ok && pc.Kind == PendingRename && m.To.Name == pc.To && m.Change.Is(schema.ChangeDefault) && m.From.Default == nil {
			rest := m.Change &^ schema.ChangeDefault
			if rest == schema.NoChange {
				continue
			}
			to := *m.To
			to.Default = nil
			tc = &schema.ModifyColumn{From: m.From, To: &to, Change: rest, Extra: m.Extra}
		}
		kept = append(kept, tc)
	}
	return kept
}

// contractRename returns the statements of a rename's contract: the
// trigger and its function dropped, then the old column. The down puts
// them back: the old column (nullable first), its values copied from
// the new one, its NOT NULL, indexes and constraints, the function and
// the trigger.
func contractRename(ct *schema.Table, pc *Pending) ([]*Change, error) {
	oc, ok := ct.Column(pc.Column)
	if !ok {
		return nil, fmt.Errorf("the snapshot has no column %q.%q for the pending contract of migration %s; restore the snapshot from version control", pc.Table, pc.Column, pc.Since)
	}
	sync := pc.syncName()
	t, o := quote(pc.Table), quote(pc.Column)
	add := *oc
	add.Type = &schema.ColumnType{Type: oc.Type.Type, Raw: oc.Type.Raw, Null: true}
	restore := []schema.Change{&schema.AddColumn{C: &add}}
	planned, err := planChanges([]schema.Change{&schema.ModifyTable{T: ct, Changes: restore}})
	if err != nil {
		return nil, err
	}
	var down []string
	for _, c := range planned {
		down = append(down, c.Cmd)
	}
	down = append(down, fmt.Sprintf("UPDATE %s SET %s = %s", t, o, quote(pc.To)))
	if !oc.Type.Null {
		down = append(down, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", t, o))
	}
	var objects []schema.Change
	for _, idx := range ct.Indexes {
		if indexInvolves(idx, pc.Column) {
			objects = append(objects, &schema.AddIndex{I: idx})
		}
	}
	for _, a := range ct.Attrs {
		if k, ok := a.(*schema.Check); ok && mentions(k.Expr, pc.Column) {
			objects = append(objects, &schema.AddCheck{C: k})
		}
	}
	for _, fk := range ct.ForeignKeys {
		if fkInvolves(fk, pc.Column) {
			objects = append(objects, &schema.AddForeignKey{F: fk})
		}
	}
	if len(objects) > 0 {
		planned, err := planChanges([]schema.Change{&schema.ModifyTable{T: ct, Changes: objects}})
		if err != nil {
			return nil, err
		}
		for _, c := range planned {
			down = append(down, c.Cmd)
		}
	}
	return []*Change{
		{
			Cmd:     fmt.Sprintf("DROP TRIGGER IF EXISTS %s ON %s", quote(sync), t),
			Reverse: []string{syncTrigger(pc)},
			Comment: fmt.Sprintf("drop trigger %q, which kept %q.%q and %q equal", sync, pc.Table, pc.Column, pc.To),
		},
		{
			Cmd:     fmt.Sprintf("DROP FUNCTION IF EXISTS %s()", quote(sync)),
			Reverse: []string{syncFunction(pc)},
			Comment: fmt.Sprintf("drop function %q", sync),
		},
		{
			Cmd:     fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s", t, o),
			Reverse: down,
			Comment: fmt.Sprintf("drop column %q.%q, renamed to %q by migration %s", pc.Table, pc.Column, pc.To, pc.Since),
		},
	}, nil
}

// syncFunction is the trigger function of a rename's expand: an insert
// that leaves the new column NULL (the old code's) gets the old column's
// value in it, any other gets the new column's value in the old one; an
// update that changes the new column (the new code's, or the backfill)
// copies it into the old one, any other copies the old into the new.
func syncFunction(pc *Pending) string {
	n, o := quote(pc.To), quote(pc.Column)
	return fmt.Sprintf(`CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.%[2]s IS NULL THEN
      NEW.%[2]s := NEW.%[3]s;
    ELSE
      NEW.%[3]s := NEW.%[2]s;
    END IF;
  ELSIF NEW.%[2]s IS DISTINCT FROM OLD.%[2]s THEN
    NEW.%[3]s := NEW.%[2]s;
  ELSE
    NEW.%[2]s := NEW.%[3]s;
  END IF;
  RETURN NEW;
END
$$`, quote(pc.syncName()), n, o)
}

// syncTrigger is the statement creating a rename's sync trigger.
func syncTrigger(pc *Pending) string {
	return fmt.Sprintf("CREATE TRIGGER %s BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s()",
		quote(pc.syncName()), quote(pc.Table), quote(pc.syncName()))
}

// replaceSummary replaces a line of the plan's summary.
func (p *Planned) replaceSummary(from, to string) {
	if p.summaryRepl == nil {
		p.summaryRepl = map[string]string{}
	}
	p.summaryRepl[from] = to
}

// rewordSummary applies the replacements the expand/contract planning
// asked for to the summary of the schema changes, and adds its lines.
func (p *Planned) rewordSummary(lines []string) []string {
	var out []string
	for _, l := range lines {
		if r, ok := p.summaryRepl[l]; ok {
			l = r
		}
		out = append(out, l)
	}
	return append(out, p.summaryExtra...)
}

// snapshotSchema is the schema the migration leaves: desired, plus the
// columns kept for pending contracts (with their indexes, checks and
// foreign keys, as current has them) and without the defaults the
// contracts set.
func snapshotSchema(desired, current *schema.Schema, kept []keptColumn) *schema.Schema {
	if len(kept) == 0 {
		return desired
	}
	snap := cloneSchema(desired)
	for _, k := range kept {
		dt, ok := snap.Table(k.table)
		ct, ok2 := current.Table(k.table)
		if !ok || !ok2 {
			continue
		}
		if k.heldDefault != "" {
			if c, ok := dt.Column(k.heldDefault); ok {
				c.Default = nil
			}
			continue
		}
		oc, ok := ct.Column(k.column)
		if _, has := dt.Column(k.column); !ok || has {
			continue
		}
		nc := &schema.Column{Name: oc.Name, Type: oc.Type, Default: oc.Default, Attrs: oc.Attrs}
		if k.zeroDefault != "" {
			nc.Default = &schema.RawExpr{X: k.zeroDefault}
		}
		dt.AddColumns(nc)
		keepObjects(snap, dt, ct, k.column)
	}
	return snap
}

// keepObjects copies into dt the indexes, checks and foreign keys of ct
// that involve the column, unless dt has one of that name.
func keepObjects(snap *schema.Schema, dt, ct *schema.Table, column string) {
	for _, idx := range ct.Indexes {
		if !indexInvolves(idx, column) {
			continue
		}
		if _, has := dt.Index(idx.Name); has {
			continue
		}
		ni := &schema.Index{Name: idx.Name, Unique: idx.Unique, Table: dt, Attrs: idx.Attrs}
		ok := true
		for _, part := range idx.Parts {
			np := &schema.IndexPart{SeqNo: part.SeqNo, Desc: part.Desc, X: part.X, Attrs: part.Attrs}
			if part.C != nil {
				c, found := dt.Column(part.C.Name)
				if !found {
					ok = false
					break
				}
				np.C = c
			}
			ni.Parts = append(ni.Parts, np)
		}
		if ok {
			dt.AddIndexes(ni)
		}
	}
	for _, a := range ct.Attrs {
		k, ok := a.(*schema.Check)
		if !ok || !mentions(k.Expr, column) || hasCheck(dt, k.Name) {
			continue
		}
		dt.AddChecks(&schema.Check{Name: k.Name, Expr: k.Expr, Attrs: k.Attrs})
	}
	for _, fk := range ct.ForeignKeys {
		if !fkInvolves(fk, column) {
			continue
		}
		if _, has := dt.ForeignKey(fk.Symbol); has {
			continue
		}
		ref, ok := snap.Table(fk.RefTable.Name)
		if !ok {
			continue
		}
		nf := &schema.ForeignKey{Symbol: fk.Symbol, Table: dt, RefTable: ref, OnUpdate: fk.OnUpdate, OnDelete: fk.OnDelete}
		for _, c := range fk.Columns {
			if col, found := dt.Column(c.Name); found {
				nf.Columns = append(nf.Columns, col)
			}
		}
		for _, c := range fk.RefColumns {
			if col, found := ref.Column(c.Name); found {
				nf.RefColumns = append(nf.RefColumns, col)
			}
		}
		if len(nf.Columns) == len(fk.Columns) && len(nf.RefColumns) == len(fk.RefColumns) {
			dt.AddForeignKeys(nf)
		}
	}
}

func hasCheck(t *schema.Table, name string) bool {
	for _, a := range t.Attrs {
		if k, ok := a.(*schema.Check); ok && k.Name == name {
			return true
		}
	}
	return false
}
