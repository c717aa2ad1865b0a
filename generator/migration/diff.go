package migration

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/internal/atlasorder"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// Change is one planned statement with its reverse.
type Change struct {
	// Cmd is the SQL statement, without the semicolon.
	Cmd string
	// Reverse are the statements undoing it; empty for a change that
	// cannot be undone (see Irreversible).
	Reverse []string
	// Comment describes the change ("add column "nickname" to table
	// "users"").
	Comment string
	// Irreversible says why the change cannot be undone, or "".
	Irreversible string
	// Source is the schema change the statement comes from (nil for
	// renames cpcgen plans itself).
	Source schema.Change
	// Step is the role of the migration file the statement goes into
	// (roleSchema unless a lock-safe plan puts it in a file of its own);
	// Object names that file's object (see steps).
	Step   string
	Object string
	// Directive is a runner directive written on the line before the
	// statement: a backfill's.
	Directive string
	// NoUndo is set on a statement that needs no reverse (a VALIDATE
	// CONSTRAINT, a backfill): it is not irreversible.
	NoUndo bool
	// finding is a risk of the statement that no schema change shows
	// (an SQL object's), or nil.
	finding *Finding
}

// Planned is the result of comparing the current schema with the
// desired one.
type Planned struct {
	// Changes are the statements, in the order they run.
	Changes []*Change
	// Schema are the schema changes (renames included) the statements
	// implement, for the safety checks.
	Schema []schema.Change
	// Summary names each change in a line, for messages and for check.
	Summary []string
	// again are the indexes, checks and foreign keys the plan drops only
	// to make them again as they were (see dropEnumUses, retypedKeys), as
	// "table.name": the rows passed them before, so they cannot fail.
	again map[string]bool
	// relabeled are the enum labels the plan renames in place (see
	// renameEnumValues).
	relabeled []relabel
	// replaced are the enum types the plan replaces (see rebuildEnums),
	// whose users among the SQL objects planObjects creates again.
	replaced []string
	// aside are the statements, among Changes, renaming aside the enum
	// types whose name an object created before the tables takes (see
	// enumsAside): planObjects creates those objects after them.
	aside []*Change
	// unbind are the statements, among Changes, dropping the generated
	// columns, defaults, indexes and checks that call an object created
	// before the tables that the migration drops and creates again (see
	// unbind): planObjects puts that object's drop and creation after
	// them.
	unbind []*Change
	// rebound are the functions, by key, whose arguments change and
	// whose callers unbind took out: planObjects drops the old function
	// after those callers' drops and before the tables change, not after
	// the tables.
	rebound map[string]bool
	// Deferred are the drops an expand/contract plan leaves to the
	// contract: not applied now, but classified as if they were.
	Deferred []schema.Change
	// Pending are the contracts left after this migration: the snapshot's
	// that it keeps, and those it starts (their Since is set by Diff).
	Pending []*Pending
	// Contracted are the snapshot's pending contracts this migration runs.
	Contracted []*Pending
	// Notes are findings the planning itself makes: the expand/contract
	// plans it chose.
	Notes []Finding

	// kept are the columns the schema keeps after the migration although
	// the specs dropped them: the snapshot holds them.
	kept []keptColumn
	// refusals say why a renamed column could not be planned as
	// expand/contract, by "table.column" (the new name).
	refusals map[string]string
	// post are statements for after Atlas's, from deferDrops and
	// enumsAside.
	post []*Change
	// summaryRepl and summaryExtra reword the summary for the
	// expand/contract plans.
	summaryRepl  map[string]string
	summaryExtra []string
}

// around puts drops (summarised by dropSum) before every change of p and
// creates (createSum) after them: how the Citus calls and the row-level
// security policies, which Atlas does not plan, wrap the schema changes.
func (p *Planned) around(drops []*Change, dropSum []string, creates []*Change, createSum []string) {
	if len(drops)+len(creates) == 0 {
		return
	}
	p.Changes = append(append(drops, p.Changes...), creates...)
	p.Summary = append(append(dropSum, p.Summary...), createSum...)
}

// Empty reports whether the schemas are the same.
func (p *Planned) Empty() bool { return len(p.Changes) == 0 }

// started returns the pending contracts this migration starts.
func (p *Planned) started() []*Pending {
	var out []*Pending
	for _, pc := range p.Pending {
		if pc.Since == "" {
			out = append(out, pc)
		}
	}
	return out
}

// planOptions say how to plan beyond the plain diff.
type planOptions struct {
	// online makes the statements lock-safe: concurrent indexes, NOT
	// VALID constraints validated later, SET NOT NULL through a check,
	// volatile defaults through a backfill.
	online bool
	// expand plans renamed_from as expand/contract and defers the drop of
	// a column the running code reads (online, without --allow-breaking).
	expand bool
	// usage is what the running code reads and writes.
	usage []*Usage
	// pending are the snapshot's contracts; contract runs them, else they
	// stay pending.
	pending  []*Pending
	contract bool
	// recreated are the objects created before the tables that the
	// migration drops and creates again, overloaded the functions among
	// them whose arguments change, by key (see recreatedEarly).
	recreated  []*ir.Object
	overloaded map[string]bool
	// objects are the SQL objects after the last migration and the
	// package's, some of them foreign keys kept as SQL (see lockSafe).
	objects []*ir.Object
	// partitions are the partitions the specs declare, by the name of
	// their table.
	partitions map[string][]string
	// seqRenames are the sequences the migration renames, by the key of
	// the package's object (see sequenceRenames).
	seqRenames map[string]*ir.Object
	// spec, when desired is the spec's schema as a database normalizes
	// it (--dev-url), is the spec's own, and was, when current is the
	// schema the migrations produce as that database has it, is the
	// snapshot's: the statements, and those undoing them, write their
	// defaults, generation expressions and checks (see specText).
	spec, was *schema.Schema
}

// Plan computes the statements that bring current to desired. pkg gives
// the rename hints (renamed_from) and is what positions and lints refer
// to. current is modified: renames are applied to it.
func Plan(pkg *ir.Package, current, desired *schema.Schema) (*Planned, error) {
	return planWith(pkg, current, desired, planOptions{})
}

// withoutSchemaAttrs leaves out the change of the schema's own
// attributes (its comment, COMMENT ON SCHEMA). A project holds the
// schema's objects, not the schema, which deployment makes (import
// reports its comment as not imported): a database whose schema has a
// comment does not drift from its migrations, and the planner, scoped
// to one schema, would refuse the change.
func withoutSchemaAttrs(changes []schema.Change) []schema.Change {
	return slices.DeleteFunc(changes, func(c schema.Change) bool {
		_, ok := c.(*schema.ModifySchema)
		return ok
	})
}

// Drift computes the statements that bring current to desired when both
// are schemas of databases, as check --url compares a live database with
// the one its applied migrations produce: the specs' renamed_from hints
// do not apply there (a rename the specs ask for may be in a migration
// that is not applied yet), so only what differs is planned.
func Drift(current, desired *schema.Schema) (*Planned, error) {
	return planWith(nil, current, desired, planOptions{})
}

// planWith computes the statements that bring current to desired: the
// renames pkg hints at (none without a package), Atlas's diff, the
// snapshot's pending contracts kept or run, and, as o asks, expand and
// contract for renames and drops and lock-safe statements.
func planWith(pkg *ir.Package, current, desired *schema.Schema, o planOptions) (*Planned, error) {
	out := &Planned{refusals: map[string]string{}, again: map[string]bool{}}
	var exps []*expansion
	if pkg != nil {
		enumRenames, retyped := renameEnums(pkg, current)
		relabels, enumRewrites := renameEnumValues(pkg, current, retyped, out)
		for _, r := range append(enumRenames, relabels...) {
			out.Changes = append(out.Changes, r)
			out.Summary = append(out.Summary, r.Comment)
		}

		var renames []schema.Change
		var seqs []*Change
		renames, exps, seqs = renameTables(pkg, current, desired, o.expand, out.refusals)
		if len(renames) > 0 {
			planned, err := planChanges(renames)
			if err != nil {
				return nil, err
			}
			out.Changes = append(out.Changes, planned...)
			out.Schema = append(out.Schema, renames...)
			out.Summary = append(out.Summary, summarize(renames)...)
		}
		for _, c := range seqs {
			out.Changes = append(out.Changes, c)
			out.Summary = append(out.Summary, c.Comment)
		}
		renameInWas(o.was, renames)
		// After the tables' renames: the expressions are found by the
		// names desired gives their tables.
		for _, rw := range enumRewrites {
			alignExprs(current, desired, rw)
		}
		followRenames(current, out.relabeled)
		aside, err := enumsAside(pkg, current, desired, o.was, out)
		if err != nil {
			return nil, err
		}
		out.aside = aside
		out.Changes = append(out.Changes, aside...)
		for _, c := range append(slices.Clone(aside), out.post...) {
			out.Summary = append(out.Summary, c.Comment)
		}
	}
	if pkg == nil {
		if err := enumDrift(current, desired); err != nil {
			return nil, err
		}
	} else {
		rebuilt, conversions, err := rebuildEnums(current, desired, out)
		if err != nil {
			return nil, err
		}
		out.Changes = append(out.Changes, rebuilt...)
		out.Schema = append(out.Schema, conversions...)
		for _, c := range rebuilt {
			out.Summary = append(out.Summary, c.Comment)
		}
	}
	unbound, rebound, err := unbind(current, desired, o.recreated, o.overloaded)
	if err != nil {
		return nil, err
	}
	out.rebound = rebound
	regen := regenerate(current, desired)
	keyDrops := retypedKeys(current, desired, out.again)
	if pkg != nil {
		// Not for drift: a database inspected reads no key as dropped.
		keyDrops = append(keyDrops, unkeyedRefs(current, desired, out.again)...)
	}
	if err := partitioningChange(pkg, current, desired); err != nil {
		return nil, err
	}
	if pkg != nil && o.was != nil {
		declaredSequences(pkg, current, desired, o.was)
	}
	renamedSequenceDefaults(pkg, current, desired, o.seqRenames)
	AlignExtensionTypes(current, desired)
	changes, err := postgres.DefaultDiff.SchemaDiff(current, desired)
	if err != nil {
		return nil, fmt.Errorf("diff schema: %w", err)
	}
	changes = withoutSchemaAttrs(changes)
	changes = missedChanges(current, desired, changes)
	// Pairs compare like for like: before the statements take the specs'
	// text, which a renamed table's old definition lacks.
	changes, constraintRenames := pairRenames(changes)
	// First: see renamePartitionIndexes.
	partIndexes := renamePartitionIndexes(changes, out.Schema)
	out.Changes = append(partIndexes, out.Changes...)
	for _, c := range partIndexes {
		out.Summary = append(out.Summary, c.Comment)
	}
	specText(changes, o.spec, o.was)
	sameChecksAgain(changes, out.again)
	if err := uncastable(changes); err != nil {
		return nil, err
	}
	cast := castTypeChanges(changes)
	constraintRenames = append(constraintRenames, renameChecks(current, desired, changes)...)
	checksAfterColumns(changes)
	changes, pre, err := out.pendingContracts(current, desired, changes, o)
	if err != nil {
		return nil, err
	}
	changes, post, err := out.expand(current, changes, exps)
	if err != nil {
		return nil, err
	}
	if o.expand {
		changes = out.deferDrops(current, changes, o.usage)
	}
	changes = regenerated(changes, regen)
	generatedBeforeSources(changes)
	summary := append(append(summarize(unbound), summarize(keyDrops)...), summarize(changes)...)
	// The schema changes the migration makes, as the safety rules see
	// them; the online rewrite below changes only how they are written.
	schemaChanges := withUnbound(changes, unbound)
	out.Schema = append(append(out.Schema, keyDrops...), schemaChanges...)
	var stepped []*Change
	if o.online {
		if changes, stepped, err = lockSafe(current, changes, o.objects, o.partitions, renamedTables(out.Schema)); err != nil {
			return nil, err
		}
	}
	if len(unbound) > 0 {
		if out.unbind, err = planUnbind(unbound); err != nil {
			return nil, err
		}
		out.Changes = append(out.Changes, out.unbind...)
	}
	out.Changes = append(out.Changes, pre...)
	if len(keyDrops) > 0 {
		// Before the changes, which order the tables among themselves.
		dropped, err := planChanges(keyDrops)
		if err != nil {
			return nil, err
		}
		out.Changes = append(out.Changes, dropped...)
	}
	var planned []*Change
	if len(changes) > 0 {
		if planned, err = planChanges(changes); err != nil {
			return nil, err
		}
		castStatements(planned, cast)
		if err := ungeneratedReverse(planned, current, desired); err != nil {
			return nil, err
		}
		if err := attachedKeyIndexes(planned, changes); err != nil {
			return nil, err
		}
		droppedColumnComments(planned, changes)
	}
	unboundSources(append(slices.Clone(out.unbind), planned...), schemaChanges, unbound)
	out.Changes = append(out.Changes, planned...)
	constraintRenames = append(constraintRenames, renamePrimaryKeys(current, desired)...)
	constraintRenames = append(constraintRenames, indexesToConstraints(current, desired)...)
	out.Changes = append(out.Changes, constraintRenames...)
	out.Changes = append(out.Changes, post...)
	out.Changes = append(out.Changes, out.post...)
	out.Changes = append(out.Changes, stepped...)
	out.Summary = append(out.Summary, out.rewordSummary(summary)...)
	for _, c := range constraintRenames {
		if !slices.Contains(out.Summary, c.Comment) {
			out.Summary = append(out.Summary, c.Comment)
		}
	}
	for _, c := range out.Changes {
		if len(c.Reverse) == 0 && c.Irreversible == "" && !c.NoUndo {
			c.Irreversible = irreversibleReason(c)
		}
	}
	return out, nil
}

// checksAfterColumns moves, within each altered table, the checks added
// after the columns added, so that the reverse statement drops the checks
// before the columns: a check on a new column would otherwise be dropped
// with its column first, and its own DROP CONSTRAINT fail.
func checksAfterColumns(changes []schema.Change) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		sort.SliceStable(mt.Changes, func(i, j int) bool {
			_, ci := mt.Changes[i].(*schema.AddCheck)
			_, cj := mt.Changes[j].(*schema.AddCheck)
			return !ci && cj
		})
	}
}

// generatedBeforeSources moves, within each altered table, the changes
// dropping a generated column or its generation expression (DROP
// EXPRESSION) before the first plain column dropped: PostgreSQL refuses
// to drop a column a generation expression reads (2BP01), even when a
// later subcommand of the same ALTER TABLE drops the generated column or
// its expression. The reverse statement then adds the plain columns
// before the generated column that reads them.
func generatedBeforeSources(changes []schema.Change) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		first := slices.IndexFunc(mt.Changes, func(tc schema.Change) bool {
			d, ok := tc.(*schema.DropColumn)
			return ok && !isGenerated(d.C)
		})
		if first < 0 {
			continue
		}
		var moved, rest []schema.Change
		for _, tc := range mt.Changes[first:] {
			if ungenerates(tc) {
				moved = append(moved, tc)
			} else {
				rest = append(rest, tc)
			}
		}
		if len(moved) == 0 {
			continue
		}
		mt.Changes = append(append(slices.Clone(mt.Changes[:first]), moved...), rest...)
	}
}

// ungenerates reports whether tc drops a generated column or its
// generation expression.
func ungenerates(tc schema.Change) bool {
	switch tc := tc.(type) {
	case *schema.DropColumn:
		return isGenerated(tc.C)
	case *schema.ModifyColumn:
		return tc.Change.Is(schema.ChangeGenerated) && isGenerated(tc.From) && !isGenerated(tc.To)
	}
	return false
}

// ungeneratedReverse gives a reverse to the planned ALTER TABLEs making
// a generated column plain (DROP EXPRESSION), which Atlas's planner
// leaves without one, and with it every other change of the statement:
// the down then gave back neither the expression nor the columns the
// statement drops. PostgreSQL 15 cannot make a column generated again,
// so the down drops the column and adds it back generated (its values
// computed again), as if the up had dropped the generated column and
// added the plain one; then it sets the column's comment and creates
// again what the drop takes with it and the migration keeps: the
// indexes, foreign keys and checks over the column that current and
// desired both have.
func ungeneratedReverse(planned []*Change, current, desired *schema.Schema) error {
	for _, c := range planned {
		mt, ok := c.Source.(*schema.ModifyTable)
		if !ok || len(c.Reverse) > 0 {
			continue
		}
		var as []schema.Change
		var cols []*schema.Column
		for _, tc := range mt.Changes {
			if m, ok := tc.(*schema.ModifyColumn); ok && ungenerates(m) {
				as = append(as, &schema.DropColumn{C: m.From}, &schema.AddColumn{C: m.To})
				cols = append(cols, m.From)
				continue
			}
			as = append(as, tc)
		}
		if len(cols) == 0 {
			continue
		}
		alter := &schema.ModifyTable{T: mt.T, Changes: as}
		plan, err := atlasorder.Plan("reverse", []schema.Change{alter})
		if err != nil {
			return fmt.Errorf("plan migration: reverse of %s: %w", c.Comment, err)
		}
		var rev []string
		for _, pc := range slices.Backward(plan.Changes) {
			if _, ok := pc.Source.(*schema.ModifyTable); !ok || !strings.HasPrefix(pc.Cmd, "ALTER TABLE ") {
				continue // the COMMENT ON of the column added, which it has
			}
			r, err := pc.ReverseStmts()
			if err != nil {
				return fmt.Errorf("plan migration: reverse of %s: %w", c.Comment, err)
			}
			rev = append(rev, r...)
		}
		if len(rev) == 0 {
			continue
		}
		rev = append(rev, refilled(mt, current)...)
		restore, err := restoreDropped([]schema.Change{mt})
		if err != nil {
			return err
		}
		for _, col := range cols {
			// Added back without its comment.
			if stmt := columnCommentSQL(mt.T.Name, col); stmt != "" {
				rev = append(rev, stmt)
			}
		}
		rev = append(rev, restore[mt.T]...)
		kept, err := keptOver(current, desired, mt.T.Name, cols)
		if err != nil {
			return err
		}
		c.Reverse = append(rev, kept...)
	}
	return nil
}

// keptOver returns the statements creating the indexes, foreign keys and
// checks of table over one of cols that current and desired both have.
func keptOver(current, desired *schema.Schema, table string, cols []*schema.Column) ([]string, error) {
	ct, ok1 := current.Table(table)
	dt, ok2 := desired.Table(table)
	if !ok1 || !ok2 {
		return nil, nil
	}
	over := func(c *schema.Column) bool {
		return slices.ContainsFunc(cols, func(x *schema.Column) bool { return x.Name == c.Name })
	}
	var adds []schema.Change
	for _, ci := range ct.Indexes {
		di, ok := dt.Index(ci.Name)
		if ok && ci.Unique == di.Unique && sameParts(ci.Parts, di.Parts) && reflect.DeepEqual(indexAttrs(ci), indexAttrs(di)) && slices.ContainsFunc(ci.Parts, func(p *schema.IndexPart) bool { return p.C != nil && over(p.C) }) {
			adds = append(adds, &schema.AddIndex{I: di})
		}
	}
	for _, cf := range ct.ForeignKeys {
		df, ok := dt.ForeignKey(cf.Symbol)
		other := *cf // sameForeignKey compares keys of different names
		other.Symbol += "\x00"
		if ok && sameForeignKey(&other, df) && slices.ContainsFunc(cf.Columns, over) {
			adds = append(adds, &schema.AddForeignKey{F: df})
		}
	}
	for _, cc := range namedChecks(ct) {
		for _, dc := range namedChecks(dt) {
			if dc.Name == cc.Name && dc.Expr == cc.Expr && slices.ContainsFunc(cols, func(x *schema.Column) bool { return mentions(cc.Expr, x.Name) }) {
				adds = append(adds, &schema.AddCheck{C: dc})
			}
		}
	}
	if len(adds) == 0 {
		return nil, nil
	}
	plan, err := atlasorder.Plan("restore", []schema.Change{&schema.ModifyTable{T: dt, Changes: adds}})
	if err != nil {
		return nil, fmt.Errorf("plan migration: restore the constraints of the columns made plain in %q: %w", table, err)
	}
	var out []string
	for _, pc := range plan.Changes {
		out = append(out, pc.Cmd)
	}
	return out, nil
}

// createIndexRE matches a statement creating an index, with its name.
var createIndexRE = regexp.MustCompile(`^CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?"((?:[^"]|"")+)"`)

// dropIndexRE matches a statement dropping an index, with its name.
var dropIndexRE = regexp.MustCompile(`^DROP INDEX (?:CONCURRENTLY )?(?:IF EXISTS )?"((?:[^"]|"")+)"`)

// afterFreed orders the statements making an index (or a key, whose
// index has its name) after those freeing the name (dropping the index,
// or the table holding it): an index's name is the schema's, so the new
// one cannot be made while the old one exists — a table replaced by
// another that keeps its index and key names. Atlas plans the tables it
// adds before those it drops. A CREATE TABLE whose keys take a freed
// name, or a CREATE INDEX taking the name of a dropped table's index, has
// the DROP TABLE moved to just before it, unless a statement between
// them still needs the dropped table (dropping a foreign key or a column
// that references it, or a table that does); else a CREATE INDEX moves
// to just after the drop.
func afterFreed(plan []*migrate.Change) []*migrate.Change {
	freed := map[string]int{}
	for i, c := range plan {
		if m := dropIndexRE.FindStringSubmatch(c.Cmd); m != nil {
			freed[strings.ReplaceAll(m[1], `""`, `"`)] = i
		}
		if t := droppedTable(c); t != nil {
			for _, ix := range t.Indexes {
				freed[ix.Name] = i
			}
			if t.PrimaryKey != nil && t.PrimaryKey.Name != "" {
				freed[t.PrimaryKey.Name] = i
			}
		}
	}
	if len(freed) == 0 {
		return plan
	}
	for i := 0; i < len(plan); i++ {
		j := -1
		if a, ok := plan[i].Source.(*schema.AddTable); ok && strings.HasPrefix(plan[i].Cmd, "CREATE TABLE ") {
			for _, ix := range a.T.Indexes {
				if k, ok := freed[ix.Name]; ok && k > i && sqlschema.IsConstraintIndex(ix) {
					j = max(j, k)
				}
			}
			if a.T.PrimaryKey != nil {
				if k, ok := freed[a.T.PrimaryKey.Name]; ok && k > i {
					j = max(j, k)
				}
			}
		} else if m := createIndexRE.FindStringSubmatch(plan[i].Cmd); m != nil {
			// Moved after the drop, the index would come after the
			// statements between, which may need it (a foreign key
			// referencing its columns): the drop comes first instead
			// when it can.
			if k, ok := freed[strings.ReplaceAll(m[1], `""`, `"`)]; ok && k > i && droppedTable(plan[k]) != nil {
				j = k
			}
		}
		if j < 0 || !droppable(plan[i+1:j], droppedTable(plan[j])) {
			continue
		}
		drop := plan[j]
		copy(plan[i+1:j+1], plan[i:j])
		plan[i] = drop
		for name, k := range freed {
			switch {
			case k == j:
				freed[name] = i
			case k >= i && k < j:
				freed[name] = k + 1
			}
		}
		i++
	}
	moved := map[int][]*migrate.Change{}
	var out []*migrate.Change
	for i, c := range plan {
		if m := createIndexRE.FindStringSubmatch(c.Cmd); m != nil {
			if j, ok := freed[strings.ReplaceAll(m[1], `""`, `"`)]; ok && j > i {
				moved[j] = append(moved[j], c)
				continue
			}
		}
		out = append(out, c)
		out = append(out, moved[i]...)
	}
	return out
}

// droppedTable returns the table a DROP TABLE statement drops, or nil.
func droppedTable(c *migrate.Change) *schema.Table {
	if d, ok := c.Source.(*schema.DropTable); ok && strings.HasPrefix(c.Cmd, "DROP TABLE ") {
		return d.T
	}
	return nil
}

// droppable reports whether table t can be dropped before the statements
// between: none alters t, nor drops a table, a foreign key or a column
// whose foreign key references t. A foreign key dropped from another
// table (one retargeted at a renamed table, say) does not keep t.
func droppable(between []*migrate.Change, t *schema.Table) bool {
	if t == nil {
		return false
	}
	refs := func(fks []*schema.ForeignKey) bool {
		return slices.ContainsFunc(fks, func(fk *schema.ForeignKey) bool { return fk.RefTable != nil && fk.RefTable.Name == t.Name })
	}
	for _, c := range between {
		switch src := c.Source.(type) {
		case *schema.DropTable:
			if refs(src.T.ForeignKeys) {
				return false
			}
		case *schema.ModifyTable:
			if src.T != nil && src.T.Name == t.Name {
				return false
			}
			for _, mc := range src.Changes {
				switch mc := mc.(type) {
				case *schema.DropForeignKey:
					if mc.F == nil || refs([]*schema.ForeignKey{mc.F}) {
						return false
					}
				case *schema.DropColumn:
					if refs(mc.C.ForeignKeys) || (src.T != nil && refs(src.T.ForeignKeys)) {
						return false
					}
				}
			}
		}
	}
	return true
}

// enumArrayRetypes writes the enum's name as it is in the ALTER COLUMN
// … TYPE clauses of stmt that make a column of src an array of an enum:
// Atlas's planner formats the type there by lower-casing it ("Role"[]
// becomes "role"[], a type that does not exist), where CREATE TABLE and
// ADD COLUMN name the enum as it is. stmt is a statement of the plan of
// src, or with reverse one of its reverse statements, which give the
// columns their From types.
func enumArrayRetypes(stmt string, src schema.Change, reverse bool) string {
	var mods []*schema.ModifyColumn
	switch src := src.(type) {
	case *schema.ModifyTable:
		for _, c := range src.Changes {
			if m, ok := c.(*schema.ModifyColumn); ok {
				mods = append(mods, m)
			}
		}
	case *schema.ModifyColumn:
		mods = append(mods, src)
	}
	for _, m := range mods {
		col := m.To
		if reverse {
			col = m.From
		}
		if col == nil || col.Type == nil {
			continue
		}
		a, ok := col.Type.Type.(*postgres.ArrayType)
		if !ok {
			continue
		}
		if _, ok := a.Type.(*schema.EnumType); !ok {
			continue
		}
		atlas, err := postgres.FormatType(a)
		if err != nil {
			continue
		}
		want := castTarget(a)
		if atlas == want {
			continue
		}
		clause := "ALTER COLUMN " + quote(col.Name) + " TYPE "
		stmt = strings.ReplaceAll(stmt, clause+atlas, clause+want)
	}
	return stmt
}

// planChanges turns schema changes into statements with Atlas's planner,
// without schema qualifiers.
func planChanges(changes []schema.Change) ([]*Change, error) {
	changes, toggles := splitIdentity(changes)
	fills := fillDropped(changes)
	plan, err := atlasorder.Plan("migration", changes)
	if err != nil {
		return nil, fmt.Errorf("plan migration: %w; write this change by hand in a migration of its own", err)
	}
	plan.Changes = afterFreed(plan.Changes)
	restore, err := restoreDropped(changes)
	if err != nil {
		return nil, err
	}
	inOrder, taken := droppedInOrder(changes, plan.Changes), map[*schema.Table]int{}
	out := make([]*Change, 0, len(plan.Changes))
	// The setval of a column that turns serial while its type changes
	// (text to integer) reads the converted values: it runs after the
	// ALTER TABLE converting them.
	type pendingStart struct {
		m     *schema.ModifyColumn
		start *Change
	}
	var afterAlter []pendingStart
	for _, c := range plan.Changes {
		rev, err := c.ReverseStmts()
		if err != nil {
			return nil, fmt.Errorf("plan migration: %w", err)
		}
		c.Cmd = enumArrayRetypes(c.Cmd, c.Source, false)
		for i := range rev {
			rev[i] = enumArrayRetypes(rev[i], c.Source, true)
		}
		if t := modifiedTable(c.Source); inOrder[t] != nil {
			rev = inOrder[t][taken[t]]
			taken[t]++
		}
		if t := droppingColumns(c.Source); t != nil && len(rev) > 0 {
			// After the columns are back.
			rev = append(rev, fills[t]...)
			rev = append(rev, restore[t]...)
			delete(fills, t)
			delete(restore, t)
		}
		// The down migration cannot drop an added value: applying the
		// migration again after it must not stop at it.
		cmd := addValueIfNotExists(c.Cmd)
		change := &Change{Cmd: cmd, Reverse: rev, Comment: c.Comment, Source: c.Source}
		if mt, ok := c.Source.(*schema.ModifyTable); ok {
			out = append(out, change)
			afterAlter = slices.DeleteFunc(afterAlter, func(p pendingStart) bool {
				if slices.Contains(mt.Changes, schema.Change(p.m)) {
					out = append(out, p.start)
					return true
				}
				return false
			})
			out = append(out, serialRetypes(mt)...)
			continue
		}
		m, ok := c.Source.(*schema.ModifyColumn)
		if !ok {
			out = append(out, change)
			continue
		}
		var start string
		if change.Cmd, start = serialSequence(cmd, m.To); start != "" {
			s := &Change{Cmd: start, Comment: c.Comment, Source: c.Source, NoUndo: true}
			out = append(out, change)
			if retyped(m) {
				afterAlter = append(afterAlter, pendingStart{m, s})
			} else {
				// After the sequence, before the column's DEFAULT uses it.
				out = append(out, s)
			}
			continue
		}
		for i := 0; i < len(change.Reverse); i++ {
			r, start := serialSequence(change.Reverse[i], m.From)
			if start == "" {
				continue
			}
			change.Reverse[i] = r
			if alter := retypingAlter(out, m); retyped(m) && alter != nil {
				// The down converts the values back to integers in the
				// reverse of the ALTER TABLE, which runs after this one's.
				alter.Reverse = append(alter.Reverse, start)
				continue
			}
			change.Reverse = slices.Insert(change.Reverse, i+1, start)
			i++
		}
		out = append(out, change)
	}
	for _, p := range afterAlter {
		out = append(out, p.start)
	}
	return placeIdentity(out, toggles), nil
}

// retypingAlter returns the planned ALTER TABLE of out that holds the
// column change m, or nil.
func retypingAlter(out []*Change, m *schema.ModifyColumn) *Change {
	for _, c := range slices.Backward(out) {
		if mt, ok := c.Source.(*schema.ModifyTable); ok && slices.Contains(mt.Changes, schema.Change(m)) {
			return c
		}
	}
	return nil
}

// restoreDropped returns, by table, the statements that create again the
// foreign keys and indexes over the columns the changes drop from it.
// PostgreSQL drops those with their column, so Atlas's planner leaves
// their drops out of the ALTER TABLE, and with them their reverse: the
// down migration gave the columns back without them.
func restoreDropped(changes []schema.Change) (map[*schema.Table][]string, error) {
	out := map[*schema.Table][]string{}
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		dropped := map[string]bool{}
		for _, tc := range mt.Changes {
			if d, ok := tc.(*schema.DropColumn); ok {
				dropped[d.C.Name] = true
			}
		}
		if len(dropped) == 0 {
			continue
		}
		var adds []schema.Change
		for _, tc := range mt.Changes {
			switch tc := tc.(type) {
			case *schema.DropForeignKey:
				if slices.ContainsFunc(tc.F.Columns, func(c *schema.Column) bool { return dropped[c.Name] }) {
					adds = append(adds, &schema.AddForeignKey{F: tc.F})
				}
			case *schema.DropIndex:
				if slices.ContainsFunc(tc.I.Parts, func(p *schema.IndexPart) bool { return p.C != nil && dropped[p.C.Name] }) {
					adds = append(adds, &schema.AddIndex{I: tc.I})
				}
			}
		}
		if len(adds) == 0 {
			continue
		}
		plan, err := atlasorder.Plan("restore", []schema.Change{&schema.ModifyTable{T: mt.T, Changes: adds}})
		if err != nil {
			return nil, fmt.Errorf("plan migration: restore the constraints of the columns dropped from %q: %w", mt.T.Name, err)
		}
		for _, pc := range plan.Changes {
			out[mt.T] = append(out[mt.T], pc.Cmd)
		}
	}
	return out, nil
}

// droppedInOrder returns, by each table whose change in changes drops
// several of its columns, the reverse statements of that change's
// statements in plan (the plan of changes), in their order, taken from a
// plan of a copy of the change that drops the columns in the opposite
// of the order they should come back in: the table's, generated columns
// after the columns they may compute from. Atlas reverses an ALTER TABLE
// clause by clause, last first, so its down added the dropped columns
// back last column first, where the columns' own order is closer to the
// table as it was (PostgreSQL adds each after the others). A table whose
// statements the two plans do not pair one to one keeps Atlas's reverse.
func droppedInOrder(changes []schema.Change, plan []*migrate.Change) map[*schema.Table][][]string {
	tables := map[*schema.Table]bool{}
	again := make([]schema.Change, 0, len(changes))
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		var at []int
		if ok {
			for i, tc := range mt.Changes {
				if _, ok := tc.(*schema.DropColumn); ok {
					at = append(at, i)
				}
			}
		}
		if len(at) < 2 {
			again = append(again, c)
			continue
		}
		// The order the down adds them back in: the table's, generated
		// columns after the others, as those may compute from them.
		drops := make([]schema.Change, len(at))
		for i, k := range at {
			drops[i] = mt.Changes[k]
		}
		pos := func(c schema.Change) (int, int) {
			col := c.(*schema.DropColumn).C
			g := 0
			if isGenerated(col) {
				g = 1
			}
			return g, slices.Index(mt.T.Columns, col)
		}
		slices.SortStableFunc(drops, func(a, b schema.Change) int {
			ga, pa := pos(a)
			gb, pb := pos(b)
			if ga != gb {
				return ga - gb
			}
			return pa - pb
		})
		cp := *mt
		cp.Changes = slices.Clone(mt.Changes)
		for i, k := range at {
			cp.Changes[k] = drops[len(drops)-1-i]
		}
		tables[mt.T] = true
		again = append(again, &cp)
	}
	if len(tables) == 0 {
		return nil
	}
	replanned, err := atlasorder.Plan("migration", again)
	if err != nil {
		return nil
	}
	out := map[*schema.Table][][]string{}
	for _, c := range replanned.Changes {
		if t := modifiedTable(c.Source); tables[t] {
			rev, err := c.ReverseStmts()
			if err != nil {
				return nil
			}
			out[t] = append(out[t], rev)
		}
	}
	for t, revs := range out {
		n := 0
		for _, c := range plan {
			if modifiedTable(c.Source) == t {
				n++
			}
		}
		if n != len(revs) {
			delete(out, t)
		}
	}
	return out
}

// modifiedTable returns the table a ModifyTable change modifies, or nil
// for another change.
func modifiedTable(c schema.Change) *schema.Table {
	if mt, ok := c.(*schema.ModifyTable); ok {
		return mt.T
	}
	return nil
}

// fillDropped gives each NOT NULL column without a default that the
// changes drop the zero value of its type as its default, so that the
// down migration adds it back with that value in every row — as the
// expand step of an online plan does (keepable) — instead of failing on
// a table with rows; and returns, by table, the statements that drop the
// default again after the column is back. A column a unique index,
// foreign key or check dropped with it covers keeps no default: a zero
// value in every row would break them, and the finding says so
// (classifyTable).
func fillDropped(changes []schema.Change) map[*schema.Table][]string {
	out := map[*schema.Table][]string{}
	for mt, d := range droppedColumns(changes) {
		zero, _ := dropFill(mt, d.C)
		if zero == "" {
			continue
		}
		col := *d.C
		col.Default = &schema.RawExpr{X: zero}
		d.C = &col
		out[mt.T] = append(out[mt.T], dropDefault(mt.T.Name, col.Name))
	}
	return out
}

// dropFill returns the value the down migration fills the rows with
// when it adds back column c, which mt drops, NOT NULL without a
// default: the zero value of its type; or why it cannot (a constraint
// over the column, a type without one). Both are "" for a column that
// needs none (nullable, with a default, identity or generated).
func dropFill(mt *schema.ModifyTable, c *schema.Column) (zero, why string) {
	if c.Type.Null || c.Default != nil || isIdentity(c) || isGenerated(c) {
		return "", ""
	}
	if cover := droppedWithCover(mt, c.Name); cover != "" {
		return "", cover + " covers it"
	}
	if zero := zeroValue(c.Type.Type); zero != "" {
		return zero, ""
	}
	return "", "its type has no zero value"
}

// refilled returns the statements dropping the defaults fillDropped
// gave the columns mt drops, which current has without one.
func refilled(mt *schema.ModifyTable, current *schema.Schema) []string {
	ct, ok := current.Table(mt.T.Name)
	if !ok {
		return nil
	}
	var out []string
	for _, tc := range mt.Changes {
		d, ok := tc.(*schema.DropColumn)
		if !ok || d.C.Default == nil {
			continue
		}
		if cc, ok := ct.Column(d.C.Name); ok && cc.Default == nil {
			out = append(out, dropDefault(mt.T.Name, d.C.Name))
		}
	}
	return out
}

// droppedWithCover names the primary key, unique index, foreign key or
// check over column that mt drops or changes (the down migration makes
// them again over it), or "".
func droppedWithCover(mt *schema.ModifyTable, column string) string {
	for _, tc := range mt.Changes {
		var idx *schema.Index
		var pk bool
		var fk *schema.ForeignKey
		var check *schema.Check
		switch tc := tc.(type) {
		case *schema.DropIndex:
			idx = tc.I
		case *schema.ModifyIndex:
			idx = tc.From
		case *schema.DropPrimaryKey:
			idx, pk = tc.P, true
		case *schema.ModifyPrimaryKey:
			idx, pk = tc.From, true
		case *schema.DropForeignKey:
			fk = tc.F
		case *schema.ModifyForeignKey:
			fk = tc.From
		case *schema.DropCheck:
			check = tc.C
		case *schema.ModifyCheck:
			check = tc.From
		}
		switch {
		case idx != nil && pk && indexInvolves(idx, column):
			return "the primary key"
		case idx != nil && idx.Unique && indexInvolves(idx, column):
			return fmt.Sprintf("unique index %q", idx.Name)
		case fk != nil && fkInvolves(fk, column):
			return fmt.Sprintf("foreign key %q", fk.Symbol)
		case check != nil && mentions(check.Expr, column):
			return fmt.Sprintf("check %q", check.Name)
		}
	}
	return ""
}

// droppingColumns returns the table of a planned ALTER TABLE that drops
// columns, or nil.
func droppingColumns(source schema.Change) *schema.Table {
	mt, ok := source.(*schema.ModifyTable)
	if !ok {
		return nil
	}
	for _, tc := range mt.Changes {
		if _, ok := tc.(*schema.DropColumn); ok {
			return mt.T
		}
	}
	return nil
}

// ownedSequence matches the statement Atlas makes a column serial with:
// CREATE SEQUENCE IF NOT EXISTS "seq" OWNED BY "table"."column".
var ownedSequence = regexp.MustCompile(`^CREATE SEQUENCE IF NOT EXISTS ((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") OWNED BY ("(?:[^"]|"")+")\.("(?:[^"]|"")+")$`)

// serialSequence makes the sequence of stmt, when stmt makes an existing
// column of c's type serial, the sequence PostgreSQL makes for a serial
// column (of the column's integer type, not bigint), and returns the
// statement that starts it after the column's largest value: the rows
// already there keep their values and the next insert does not take one
// of them. It returns stmt and "" for any other statement.
func serialSequence(stmt string, c *schema.Column) (string, string) {
	st, ok := c.Type.Type.(*postgres.SerialType)
	m := ownedSequence.FindStringSubmatch(stmt)
	if !ok || m == nil {
		return stmt, ""
	}
	seq, table, column := m[1], m[2], m[3]
	return fmt.Sprintf("CREATE SEQUENCE IF NOT EXISTS %s AS %s OWNED BY %s.%s", seq, st.IntegerType().T, table, column),
		fmt.Sprintf("SELECT setval(%s, coalesce(max(%s), 0) + 1, false) FROM %s", names.QuoteLiteral(seq), column, table)
}

// serialRetypes returns, for each serial column whose integer type the
// ALTER TABLE of mt changes (serial to bigserial), the statement giving
// its sequence the new type, as PostgreSQL makes a serial column's
// sequence of the column's type: ALTER COLUMN TYPE leaves the sequence
// alone, so an integer column widened to bigint kept an integer sequence,
// whose nextval fails past 2^31-1, and a database built from the specs
// differed. The sequence is found by its column (pg_get_serial_sequence):
// an imported one may be named otherwise.
func serialRetypes(mt *schema.ModifyTable) []*Change {
	var out []*Change
	for _, tc := range mt.Changes {
		m, ok := tc.(*schema.ModifyColumn)
		if !ok || !m.Change.Is(schema.ChangeType) {
			continue
		}
		from, ok1 := m.From.Type.Type.(*postgres.SerialType)
		to, ok2 := m.To.Type.Type.(*postgres.SerialType)
		if !ok1 || !ok2 || from.IntegerType().T == to.IntegerType().T {
			continue
		}
		out = append(out, &Change{
			Cmd:     alterSerialSequence(mt.T.Name, m.To.Name, to.IntegerType().T),
			Reverse: []string{alterSerialSequence(mt.T.Name, m.To.Name, from.IntegerType().T)},
			Comment: fmt.Sprintf("make the sequence of %q.%q %s, as its column", mt.T.Name, m.To.Name, to.IntegerType().T),
			Source:  mt,
		})
	}
	return out
}

// alterSerialSequence returns the statement giving the sequence of
// serial column table.column the integer type typ.
func alterSerialSequence(table, column, typ string) string {
	return fmt.Sprintf("DO $cpcgen$ BEGIN EXECUTE format('ALTER SEQUENCE %%s AS %s', pg_get_serial_sequence(%s, %s)); END $cpcgen$",
		typ, names.QuoteLiteral(quote(table)), names.QuoteLiteral(column))
}

// addedValue returns the value (quoted) an ALTER TYPE … ADD VALUE
// statement adds. It reads the statement's tokens, so that a type name
// or a label holding the words ADD VALUE ("x ADD VALUE y", a RENAME
// VALUE of 'a ADD VALUE b') is not taken for the clause.
func addedValue(cmd string) (string, bool) {
	toks, at, ok := addValueClause(cmd)
	if !ok {
		return "", false
	}
	i := at + 2
	if i+2 < len(toks) && toks[i].Is("IF") && toks[i+1].Is("NOT") && toks[i+2].Is("EXISTS") {
		i += 3
	}
	if i >= len(toks) || toks[i].Kind != sqllex.String {
		return "", false
	}
	return toks[i].Text, true
}

// addValueClause returns the tokens of cmd and the index of ADD in its
// ADD VALUE clause when cmd is ALTER TYPE name ADD VALUE …; ok is false
// for every other statement.
func addValueClause(cmd string) (toks []sqllex.Tok, at int, ok bool) {
	toks, err := sqllex.Lex(cmd)
	if err != nil || len(toks) < 3 || !toks[0].Is("ALTER") || !toks[1].Is("TYPE") {
		return nil, 0, false
	}
	// The name, possibly qualified: name tokens joined by dots.
	at = 2
	for at+1 < len(toks) && toks[at+1].IsPunct(".") {
		at += 2
	}
	at++
	if at+1 >= len(toks) || !toks[at].Is("ADD") || !toks[at+1].Is("VALUE") {
		return nil, 0, false
	}
	return toks, at, true
}

// addValueIfNotExists writes the ADD VALUE clause of an ALTER TYPE as
// ADD VALUE IF NOT EXISTS, so that running the statement again over a
// value already there does nothing; every other statement, and one that
// says IF NOT EXISTS already, is returned as it is.
func addValueIfNotExists(cmd string) string {
	toks, at, ok := addValueClause(cmd)
	if !ok || at+2 < len(toks) && toks[at+2].Is("IF") {
		return cmd
	}
	end := toks[at+1].End()
	return cmd[:end] + " IF NOT EXISTS" + cmd[end:]
}

// irreversibleReason explains a statement Atlas could not reverse.
func irreversibleReason(c *Change) string {
	if _, _, ok := addValueClause(c.Cmd); ok {
		return c.Cmd + " cannot be undone: PostgreSQL cannot drop a value from an enum type, so it stays after the down migration"
	}
	return c.Comment + ": no reverse statement"
}

// declaredSequences gives the serial columns of current (the migrations
// replayed, --dev-url) whose sequence the specs declare as an object of
// kind sequence, which desired has as a plain integer column taking
// nextval of it and which was (the snapshot) already has so, desired's
// type and default. A migration that kept such a sequence owned by its
// column (as adoptSerialSequences did before it made the sequence owned
// by none, or an object of the specs that sets the ownership) leaves a
// column a database inspected shows as serial, where the specs write the default: compared as they
// are, every later diff planned to drop the sequence again. The
// migration that makes the column so (was still has it serial) is left
// to compare them as they are.
func declaredSequences(pkg *ir.Package, current, desired, was *schema.Schema) {
	declared := map[string]bool{}
	for _, o := range pkg.Objects {
		if o.Kind == "sequence" {
			declared[o.Name] = true
		}
	}
	if len(declared) == 0 {
		return
	}
	for _, ct := range current.Tables {
		dt, ok := desired.Table(ct.Name)
		if !ok {
			continue
		}
		for _, c := range ct.Columns {
			st, ok := c.Type.Type.(*postgres.SerialType)
			if !ok {
				continue
			}
			seq := st.SequenceName
			if seq == "" {
				seq = ct.Name + "_" + c.Name + "_seq"
			}
			dc, ok := dt.Column(c.Name)
			if !ok || !declared[seq] {
				continue
			}
			wt, ok := was.Table(ct.Name)
			if !ok {
				continue
			}
			if wc, ok := wt.Column(c.Name); !ok || !isIntegerType(wc.Type.Type) {
				continue
			}
			if !isIntegerType(dc.Type.Type) || !strings.Contains(defaultSQL(dc), "nextval(") || !mentions(defaultSQL(dc), seq) {
				continue
			}
			c.Type = &schema.ColumnType{Type: dc.Type.Type, Raw: dc.Type.Raw, Null: c.Type.Null}
			c.Default = dc.Default
		}
	}
}

// renamedSequenceDefaults gives the columns of current whose default
// takes nextval of a sequence the migration renames (renames, see
// sequenceRenames) the default desired gives them where it is the same
// but for the sequence's new name: the default holds the sequence, not
// its name (regclass), so the rename changes it already, and an ALTER
// COLUMN … SET DEFAULT naming the old name would fail in the down
// migration, which runs before the sequence has its old name back.
func renamedSequenceDefaults(pkg *ir.Package, current, desired *schema.Schema, renames map[string]*ir.Object) {
	if len(renames) == 0 {
		return
	}
	for _, n := range pkg.Objects {
		was := renames[n.Key]
		if was == nil {
			continue
		}
		for _, ct := range current.Tables {
			dt, ok := desired.Table(ct.Name)
			if !ok {
				continue
			}
			for _, c := range ct.Columns {
				d := defaultSQL(c)
				if !strings.Contains(d, "'"+was.Name+"'") {
					continue
				}
				if dc, ok := dt.Column(c.Name); ok && defaultSQL(dc) == strings.ReplaceAll(d, "'"+was.Name+"'", "'"+n.Name+"'") {
					c.Default = dc.Default
				}
			}
		}
	}
}

func isIntegerType(t schema.Type) bool {
	_, ok := t.(*schema.IntegerType)
	return ok
}

// partitioningChange returns the error of a table desired makes
// partitioned that current has plain, or the other way: PostgreSQL
// cannot change that in place (Atlas's diff stops at it without saying
// where, or how to go on). pkg gives the table's position (nil: none).
func partitioningChange(pkg *ir.Package, current, desired *schema.Schema) error {
	for _, ct := range current.Tables {
		dt, ok := desired.Table(ct.Name)
		if !ok || isPartitioned(ct) == isPartitioned(dt) {
			continue
		}
		was, now := "plain", "partitioned"
		if isPartitioned(ct) {
			was, now = now, was
		}
		where := ""
		if pkg != nil {
			where = posPrefix(tablePos(pkg, ct.Name))
		}
		return fmt.Errorf("%stable %q is %s in the specs but %s where the migrations leave it: PostgreSQL cannot make a table %s in place; declare the %s table under a new name, copy the rows into it in a migration of your own and drop the old table from the specs (a later diff drops it), or drop the table in one migration and create it in the next, losing its rows",
			where, ct.Name, now, was, now, now)
	}
	return partitionKeyRetype(pkg, current, desired)
}

// posPrefix is pos followed by ": ", to start a message that names its
// place in the specs; "" for no position.
func posPrefix(pos ir.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	return pos.String() + ": "
}

// partitionKeyRetype returns the error of a column of a partitioned
// table's partition key whose type or collation desired changes, which
// PostgreSQL refuses (42P16) once the migration runs; pkg gives the
// column's position (nil: none).
func partitionKeyRetype(pkg *ir.Package, current, desired *schema.Schema) error {
	for _, ct := range current.Tables {
		dt, ok := desired.Table(ct.Name)
		if !ok {
			continue
		}
		for _, a := range ct.Attrs {
			pt, ok := a.(*postgres.Partition)
			if !ok {
				continue
			}
			for _, part := range pt.Parts {
				if part.C == nil {
					continue
				}
				cc, ok1 := ct.Column(part.C.Name)
				dc, ok2 := dt.Column(part.C.Name)
				if !ok1 || !ok2 || !typeChanges(cc, dc) && !collationChanged(cc, dc) {
					continue
				}
				where := ""
				if pkg != nil {
					where = posPrefix(columnPos(pkg, ct.Name, cc.Name))
				}
				return fmt.Errorf("%scolumn %q of table %q is in its partition key, whose type and collation PostgreSQL cannot change (%s to %s): keep them, or declare the table with the new type under a new name, copy the rows into it in a migration of your own and drop the old table from the specs (a later diff drops it)",
					where, cc.Name, ct.Name, typeString(cc.Type.Type)+collationSuffix(cc), typeString(dc.Type.Type)+collationSuffix(dc))
			}
		}
	}
	return nil
}

// collationSuffix is " COLLATE name" for a column with a collation, ""
// for one without.
func collationSuffix(c *schema.Column) string {
	if collationOf(c) == "" {
		return ""
	}
	return " COLLATE " + collationName(c)
}

// renameEnums applies the renamed_from hints of enums to current and
// returns the ALTER TYPE … RENAME statements, and the old name of each
// type renamed, by its new name (renameEnumValues then gives the casts
// of current's expressions the new name).
func renameEnums(pkg *ir.Package, current *schema.Schema) ([]*Change, map[string]string) {
	var out []*Change
	retyped := map[string]string{}
	for _, e := range pkg.Enums {
		old := e.RenamedFrom
		if old == "" || findEnum(current, e.SQLName) != nil {
			continue
		}
		et := findEnum(current, old)
		if et == nil {
			continue
		}
		et.T = e.SQLName
		retyped[e.SQLName] = old
		out = append(out, &Change{
			Cmd:     fmt.Sprintf("ALTER TYPE %s RENAME TO %s", quote(old), quote(e.SQLName)),
			Reverse: []string{fmt.Sprintf("ALTER TYPE %s RENAME TO %s", quote(e.SQLName), quote(old))},
			Comment: fmt.Sprintf("rename enum type %q to %q", old, e.SQLName),
		})
	}
	return out, retyped
}

func findEnum(s *schema.Schema, name string) *schema.EnumType {
	for _, o := range s.Objects {
		if e, ok := o.(*schema.EnumType); ok && e.T == name {
			return e
		}
	}
	return nil
}

// renameTables applies the renamed_from hints of tables and columns to
// current and returns the rename changes. With expand, a renamed column
// that can be is not renamed but returned as an expansion (see
// Planned.expand); refusals get the reason of those that cannot.
func renameTables(pkg *ir.Package, current, desired *schema.Schema, expand bool, refusals map[string]string) ([]schema.Change, []*expansion, []*Change) {
	var out []schema.Change
	var exps []*expansion
	var seqs []*Change
	for _, t := range pkg.Tables {
		if old := t.RenamedFrom; old != "" {
			_, hasNew := current.Table(t.SQLName)
			if ot, ok := current.Table(old); ok && !hasNew {
				if ot.PrimaryKey != nil && ot.PrimaryKey.Name == "" {
					// The snapshot does not keep key names; PostgreSQL
					// named the key after the table when it was created.
					ot.PrimaryKey.Name = old + "_pkey"
				}
				from := *ot
				ot.Name = t.SQLName
				out = append(out, &schema.RenameTable{From: &from, To: ot})
			}
		}
		ct, ok := current.Table(t.SQLName)
		if !ok {
			continue
		}
		renamed := t.RenamedFrom != "" && len(out) > 0 && isRenameOf(out[len(out)-1], t.SQLName)
		var cols []schema.Change
		colRenames := map[string]string{} // the columns renamed, old name to new
		for _, c := range t.Columns {
			old := c.RenamedFrom
			if old == "" {
				continue
			}
			if _, hasNew := ct.Column(c.SQLName); hasNew {
				continue
			}
			oc, ok := ct.Column(old)
			if !ok {
				continue
			}
			if expand {
				why := expandable(current, desired, t, c, ct, oc, renamed)
				if why == "" {
					exps = append(exps, &expansion{table: t.SQLName, from: old, to: c.SQLName})
					continue
				}
				refusals[t.SQLName+"."+c.SQLName] = why
			}
			from := *oc
			oc.Name = c.SQLName
			colRenames[old] = c.SQLName
			cols = append(cols, &schema.RenameColumn{From: &from, To: oc})
		}
		if len(cols) > 0 {
			dt, _ := desired.Table(t.SQLName)
			renameInExprs(ct, dt, colRenames)
			renameSetColumns(ct, colRenames)
			out = append(out, &schema.ModifyTable{T: ct, Changes: cols})
		}
		oldTable := t.SQLName
		if renamed {
			oldTable = t.RenamedFrom
		}
		seqs = append(seqs, renameSequences(ct, oldTable, colRenames)...)
	}
	return out, exps, seqs
}

// renameSetColumns renames, in the column lists of t's foreign keys' ON
// DELETE SET NULL and SET DEFAULT (a tenant key's SET NULL (team_id)),
// the columns renamed renames (old name to new), as PostgreSQL does:
// the keys then stay as they are, and statements going back name the
// columns they have then.
func renameSetColumns(t *schema.Table, renamed map[string]string) {
	for _, fk := range t.ForeignKeys {
		action, cols := sqlschema.SplitColumns(fk.OnDelete)
		if cols == nil {
			continue
		}
		for i, c := range cols {
			if to, ok := renamed[c]; ok {
				cols[i] = to
			}
		}
		fk.OnDelete = sqlschema.SetColumns(action, cols...)
	}
}

// renameInWas renames, in the expressions of was (the previous specs,
// whose text specText gives the statements dropping or changing what a
// table had), the columns renames rename: those statements' downs run
// while the columns have their new names (Atlas's diff plans them after
// the renames), so the old text would name columns that are not there
// ("CREATE INDEX … WHERE NOT done" after done became completed).
func renameInWas(was *schema.Schema, renames []schema.Change) {
	if was == nil {
		return
	}
	for _, c := range renames {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		cols := map[string]string{}
		for _, tc := range mt.Changes {
			if r, ok := tc.(*schema.RenameColumn); ok {
				cols[r.From.Name] = r.To.Name
			}
		}
		wt, ok := was.Table(mt.T.Name)
		if !ok || len(cols) == 0 {
			continue
		}
		alignTable(wt, nil, func(have, _ string) (string, bool) {
			got := renameIdent(have, cols)
			return got, got != have
		})
	}
}

// renameSequences returns the statements renaming the sequences of the
// identity and serial columns of t, whose table was named oldTable and
// whose columns renamed holds (old name to new), from the names
// PostgreSQL gave them (table_column_seq) to those it gives them under
// the new names, as in a database made from the specs. Each renames the
// sequence only when it is the column's and has the old name, and the
// new name is free: a sequence named otherwise (an imported project's
// SQL objects rename it) stays as it is.
func renameSequences(t *schema.Table, oldTable string, renamed map[string]string) []*Change {
	var out []*Change
	for _, c := range t.Columns {
		if !isIdentity(c) {
			continue
		}
		oldCol := c.Name
		for o, n := range renamed {
			if n == c.Name {
				oldCol = o
			}
		}
		from, to := names.ObjectName(oldTable, oldCol, "seq"), names.ObjectName(t.Name, c.Name, "seq")
		if from == to {
			continue
		}
		out = append(out, &Change{
			Cmd:     renameSequence(t.Name, c.Name, from, to),
			Reverse: []string{renameSequence(t.Name, c.Name, to, from)},
			Comment: fmt.Sprintf("rename sequence %q of %q.%q to %q", from, t.Name, c.Name, to),
		})
	}
	return out
}

// renameSequence returns the statement renaming sequence from to to when
// it is the sequence of table.column and to is free.
func renameSequence(table, column, from, to string) string {
	return fmt.Sprintf("DO $cpcgen$ BEGIN IF pg_get_serial_sequence(%s, %s)::regclass = to_regclass(%s) AND to_regclass(%s) IS NULL THEN ALTER SEQUENCE %s RENAME TO %s; END IF; END $cpcgen$",
		names.QuoteLiteral(quote(table)), names.QuoteLiteral(column), names.QuoteLiteral(quote(from)), names.QuoteLiteral(quote(to)), quote(from), quote(to))
}

// renameInExprs renames the columns of t (renamed: old name to new) in
// its generation expressions, checks and index expressions and
// predicates, as PostgreSQL does with a column: each takes the text of
// the same expression of dt, the table as desired, when that is it with
// the columns renamed, however they are spelt there ("qty" or qty); else
// the columns are renamed in it, quoted.
func renameInExprs(t, dt *schema.Table, renamed map[string]string) {
	alignTable(t, dt, func(have, want string) (string, bool) {
		if want != "" && sameRenamed(have, want, renamed) {
			return want, want != have
		}
		got := renameIdent(have, renamed)
		return got, got != have
	})
}

// sameRenamed reports whether the SQL expression want is have with the
// identifiers renamed names (old name to new) spelt by their new names,
// quoted or not, token by token: the same tokens otherwise (sameToken),
// white space and comments aside; a column is named as renamedAt reads
// it.
func sameRenamed(have, want string, renamed map[string]string) bool {
	h, err := sqllex.Lex(have)
	if err != nil {
		return false
	}
	w, err := sqllex.Lex(want)
	if err != nil || len(w) != len(h) {
		return false
	}
	for i, t := range h {
		if to, ok := renamedAt(h, i, renamed); ok {
			if (w[i].Kind != sqllex.Word && w[i].Kind != sqllex.Quoted) || w[i].Ident() != to {
				return false
			}
			continue
		}
		if !sameToken(t, w[i]) {
			return false
		}
	}
	return true
}

// sameToken reports whether two SQL tokens mean the same: the same
// text, a keyword or unquoted name in any case, or a name quoted in one
// and not in the other ("points" and points).
func sameToken(a, b sqllex.Tok) bool {
	switch {
	case a.Kind == b.Kind && a.Text == b.Text:
		return true
	case a.Kind == sqllex.Word && b.Kind == sqllex.Word:
		return strings.EqualFold(a.Text, b.Text)
	case (a.Kind == sqllex.Quoted || b.Kind == sqllex.Quoted) && (a.Kind == sqllex.Word || b.Kind == sqllex.Word):
		return a.Ident() == b.Ident()
	}
	return false
}

// renameIdent returns the SQL expression expr with each identifier that
// names a column of renamed (old name to new) replaced by the new name,
// quoted (see renamedAt). expr is returned as it is when it does not
// lex.
func renameIdent(expr string, renamed map[string]string) string {
	toks, err := sqllex.Lex(expr)
	if err != nil {
		return expr
	}
	var b strings.Builder
	last := 0
	for i, t := range toks {
		to, ok := renamedAt(toks, i, renamed)
		if !ok {
			continue
		}
		b.WriteString(expr[last:t.Off])
		b.WriteString(names.QuoteIdent(to))
		last = t.End()
	}
	if last == 0 {
		return expr
	}
	b.WriteString(expr[last:])
	return b.String()
}

// renamedAt returns the new name of the column toks[i] names when
// renamed (old name to new) has it: an identifier, not in a string or a
// comment, not a function's name (followed by "(") nor a type's (after
// "::").
func renamedAt(toks []sqllex.Tok, i int, renamed map[string]string) (string, bool) {
	t := toks[i]
	if t.Kind != sqllex.Word && t.Kind != sqllex.Quoted {
		return "", false
	}
	to, ok := renamed[t.Ident()]
	if !ok || i+1 < len(toks) && toks[i+1].IsPunct("(") || i >= 2 && toks[i-1].IsPunct(":") && toks[i-2].IsPunct(":") {
		return "", false
	}
	return to, true
}

// renamedTables returns the tables that changes rename, or rename
// columns of, by their new names.
func renamedTables(changes []schema.Change) map[string]bool {
	out := map[string]bool{}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.RenameTable:
			out[c.To.Name] = true
		case *schema.ModifyTable:
			if slices.ContainsFunc(c.Changes, func(tc schema.Change) bool { _, ok := tc.(*schema.RenameColumn); return ok }) {
				out[c.T.Name] = true
			}
		}
	}
	return out
}

func isRenameOf(c schema.Change, table string) bool {
	r, ok := c.(*schema.RenameTable)
	return ok && r.To.Name == table
}

// pairRenames finds, within each altered table, an index, check or
// foreign key dropped and one added that differ only in name — the names
// cpcgen derives from table and column names change with a rename — and
// turns each pair into a rename. Index renames stay schema changes;
// constraint renames come back as statements.
func pairRenames(changes []schema.Change) ([]schema.Change, []*Change) {
	var stmts []*Change
	out := changes[:0:0]
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			out = append(out, c)
			continue
		}
		var kept []schema.Change
		used := map[int]bool{}
		for i, a := range mt.Changes {
			if used[i] {
				continue
			}
			for j, b := range mt.Changes {
				if used[j] || i == j {
					continue
				}
				if r, s := pairOf(mt.T, a, b); r != nil || s != nil {
					used[i], used[j] = true, true
					if r != nil {
						kept = append(kept, r)
					}
					if s != nil {
						stmts = append(stmts, s)
					}
					break
				}
			}
			if !used[i] {
				kept = append(kept, a)
			}
		}
		if len(kept) > 0 {
			mt.Changes = kept
			out = append(out, mt)
		}
	}
	return out, stmts
}

// pairOf returns the rename that a drop a and an add b amount to, if any.
func pairOf(t *schema.Table, a, b schema.Change) (schema.Change, *Change) {
	switch a := a.(type) {
	case *schema.DropIndex:
		b, ok := b.(*schema.AddIndex)
		switch {
		case ok && sameIndex(a.I, b.I):
			return &schema.RenameIndex{From: a.I, To: b.I}, nil
		case ok && a.I.Name != b.I.Name && !sqlschema.IsConstraintIndex(a.I) && sqlschema.IsConstraintIndex(b.I) && sameKey(a.I, b.I):
			// A unique index made a constraint as it takes a renamed
			// column's name: renamed, then made a constraint over it
			// (indexesToConstraints), which builds nothing again.
			from := *a.I
			a.I.Name = b.I.Name
			return &schema.RenameIndex{From: &from, To: a.I}, nil
		case ok && a.I.Name != b.I.Name && sqlschema.IsConstraintIndex(a.I) && !sqlschema.IsConstraintIndex(b.I) && sameKey(a.I, b.I):
			// A unique constraint made an index as it takes a renamed
			// column's name: changed as one of the same name is, so that
			// the table is never without either.
			return &schema.ModifyIndex{From: a.I, To: b.I, Change: schema.ChangeAttr}, nil
		}
	case *schema.DropCheck:
		if b, ok := b.(*schema.AddCheck); ok && a.C.Expr == b.C.Expr && a.C.Name != b.C.Name {
			return nil, renameConstraint(t, a.C.Name, b.C.Name)
		}
	case *schema.DropForeignKey:
		if b, ok := b.(*schema.AddForeignKey); ok && sameForeignKey(a.F, b.F) {
			return nil, renameConstraint(t, a.F.Symbol, b.F.Symbol)
		}
	}
	return nil, nil
}

// renamePartitionIndexes returns, for each index of a partitioned table
// that changes rename (the name derived from a renamed column's), the
// statement renaming the indexes PostgreSQL made for it on the
// partitions, which a rename of the parent's leaves as they were: a
// database made from the specs names them after the new column
// (events_2024_category_idx where events_2024_kind_idx stays). Both
// names are derived from the parent's (its table's name, then what
// follows: the columns and the suffix); renamed gives the tables' old
// names (RenameTable). Each partition's index is renamed only when it
// has the name PostgreSQL gave it and the new one is free and needs no
// cutting to 63 bytes; one named otherwise stays as it is.
//
// The statements run before every other, finding the parent index by
// its old name, so that their downs run after every other: a column
// whose type changes has its partitions' indexes made again by
// PostgreSQL, named after the column's name then, which the down
// migration gives back only after the type.
//
// An index over renamed columns that the migration drops is made again
// by the down migration before the columns get their old names back, so
// PostgreSQL names the partitions' indexes after the new names: for it
// the statement renames them back to the old ones (<partition>_kind_idx
// where the down made <partition>_kind_r_idx) at the end of the down;
// in the up, where it runs before the drop, it renames them the other
// way, which the drop then undoes.
func renamePartitionIndexes(changes, renamed []schema.Change) []*Change {
	old := map[string]string{}
	oldColumns := map[string]map[string]string{} // by table: new name to old
	for _, c := range renamed {
		switch c := c.(type) {
		case *schema.RenameTable:
			old[c.To.Name] = c.From.Name
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				if r, ok := tc.(*schema.RenameColumn); ok {
					if oldColumns[c.T.Name] == nil {
						oldColumns[c.T.Name] = map[string]string{}
					}
					oldColumns[c.T.Name][r.To.Name] = r.From.Name
				}
			}
		}
	}
	var out []*Change
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok || !isPartitioned(mt.T) {
			continue
		}
		was := mt.T.Name
		if o, ok := old[was]; ok {
			was = o
		}
		for _, tc := range mt.Changes {
			if d, ok := tc.(*schema.DropIndex); ok {
				if from, to, ok := columnsPart(d.I, oldColumns[mt.T.Name]); ok {
					out = append(out, &Change{
						Cmd:     renameAttached(d.I.Name, from, to),
						Reverse: []string{renameAttached(d.I.Name, to, from)},
						Comment: fmt.Sprintf("rename the partitions' indexes of %q, which the migration drops, after its renamed columns; going back, from <partition>%s_idx to <partition>%s_idx, as the down migration makes it again before the columns get their old names", d.I.Name, to, from),
					})
				}
				continue
			}
			r, ok := tc.(*schema.RenameIndex)
			if !ok || !strings.HasPrefix(r.From.Name, was+"_") || !strings.HasPrefix(r.To.Name, mt.T.Name+"_") || len(r.From.Name) >= names.MaxIdent {
				continue
			}
			// The columns' part: PostgreSQL ends a partition's index name
			// in _idx, or _key for a constraint's, whatever the parent's.
			from, to := strings.TrimPrefix(r.From.Name, was), strings.TrimPrefix(r.To.Name, mt.T.Name)
			from, okFrom := cutLabel(from)
			to, okTo := cutLabel(to)
			if !okFrom || !okTo || from == to {
				continue
			}
			out = append(out, &Change{
				Cmd:     renameAttached(r.From.Name, from, to),
				Reverse: []string{renameAttached(r.From.Name, to, from)},
				Comment: fmt.Sprintf("rename the partitions' indexes of %q (%q after the migration) from <partition>%s_idx to <partition>%s_idx", r.From.Name, r.To.Name, from, to),
			})
		}
	}
	return out
}

// columnsPart returns the part PostgreSQL names a partition's index
// with after its partition's name for the index i of columns only, under
// the columns' old names (oldNames: new name to old) and under their
// names now ("_kind" and "_kind_r"), and whether a column of i was
// renamed.
func columnsPart(i *schema.Index, oldNames map[string]string) (from, to string, ok bool) {
	if len(oldNames) == 0 {
		return "", "", false
	}
	for _, p := range i.Parts {
		if p.C == nil {
			return "", "", false
		}
		name := p.C.Name
		if o, renamed := oldNames[name]; renamed {
			name, ok = o, true
		}
		from += "_" + name
		to += "_" + p.C.Name
	}
	return from, to, ok
}

// cutLabel returns the name without its final _idx or _key, and whether
// it had one.
func cutLabel(name string) (string, bool) {
	for _, l := range []string{"_idx", "_key"} {
		if s, ok := strings.CutSuffix(name, l); ok {
			return s, true
		}
	}
	return name, false
}

// renameAttached returns the statement renaming each index attached to
// the partitioned index parent whose name is its table's followed by
// from and _idx or _key to its table's followed by to and the same,
// when that is free and within PostgreSQL's 63 bytes.
func renameAttached(parent, from, to string) string {
	return fmt.Sprintf(`DO $cpcgen$ DECLARE r record; n text; BEGIN FOR r IN SELECT c.relname AS idx, t.relname AS tbl FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid WHERE i.inhparent = %s::regclass LOOP n := r.tbl || %s || right(r.idx, 4); IF r.idx IN (r.tbl || %s || '_idx', r.tbl || %s || '_key') AND octet_length(n) < 64 AND to_regclass(quote_ident(n)) IS NULL THEN EXECUTE format('ALTER INDEX %%I RENAME TO %%I', r.idx, n); END IF; END LOOP; END $cpcgen$`,
		names.QuoteLiteral(quote(parent)), names.QuoteLiteral(to), names.QuoteLiteral(from), names.QuoteLiteral(from))
}

func renameConstraint(t *schema.Table, from, to string) *Change {
	return &Change{
		Cmd:     fmt.Sprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s", quote(t.Name), quote(from), quote(to)),
		Reverse: []string{fmt.Sprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s", quote(t.Name), quote(to), quote(from))},
		Comment: fmt.Sprintf("rename constraint %q of table %q to %q", from, t.Name, to),
	}
}

// renamePrimaryKeys renames primary keys whose name differs while their
// columns stay: Atlas's diff compares a key's columns, not its name, and
// a renamed table keeps its old key name otherwise.
func renamePrimaryKeys(current, desired *schema.Schema) []*Change {
	var out []*Change
	for ct, dt := range keptTables(current, desired) {
		if ct.PrimaryKey == nil || dt.PrimaryKey == nil || ct.PrimaryKey.Name == "" || ct.PrimaryKey.Name == dt.PrimaryKey.Name {
			continue
		}
		if !sameParts(ct.PrimaryKey.Parts, dt.PrimaryKey.Parts) {
			continue
		}
		from, to := ct.PrimaryKey.Name, dt.PrimaryKey.Name
		out = append(out, &Change{
			Cmd:     fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quote(from), quote(to)),
			Reverse: []string{fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quote(to), quote(from))},
			Comment: fmt.Sprintf("rename primary key %q of table %q to %q", from, dt.Name, to),
		})
	}
	return out
}

// renameChecks renames the checks whose name changes while their
// expression stays: Atlas's diff pairs checks by expression before name,
// so it plans nothing for them. A check the changes already drop, add or
// modify is left to them.
func renameChecks(current, desired *schema.Schema, changes []schema.Change) []*Change {
	var out []*Change
	for ct, dt := range keptTables(current, desired) {
		touched := map[string]bool{}
		if mt := findModify(changes, dt.Name); mt != nil {
			for _, c := range mt.Changes {
				switch c := c.(type) {
				case *schema.DropCheck:
					touched[c.C.Name] = true
				case *schema.AddCheck:
					touched[c.C.Name] = true
				case *schema.ModifyCheck:
					touched[c.From.Name], touched[c.To.Name] = true, true
				}
			}
		}
		from, to := namedChecks(ct), namedChecks(dt)
		used := map[string]bool{}
		for _, t := range to {
			if touched[t.Name] || slices.ContainsFunc(from, func(f *schema.Check) bool { return f.Name == t.Name }) {
				continue
			}
			i := slices.IndexFunc(from, func(f *schema.Check) bool {
				return !used[f.Name] && !touched[f.Name] && wrapped(f.Expr) == wrapped(t.Expr) &&
					!slices.ContainsFunc(to, func(d *schema.Check) bool { return d.Name == f.Name })
			})
			if i < 0 {
				continue
			}
			used[from[i].Name] = true
			out = append(out, renameConstraint(dt, from[i].Name, t.Name))
		}
	}
	return out
}

// namedChecks returns the checks of t that have a name.
func namedChecks(t *schema.Table) []*schema.Check {
	var out []*schema.Check
	for _, a := range t.Attrs {
		if c, ok := a.(*schema.Check); ok && c.Name != "" {
			out = append(out, c)
		}
	}
	return out
}

func sameIndex(a, b *schema.Index) bool {
	if a.Unique != b.Unique || a.Name == b.Name || !sameParts(a.Parts, b.Parts) {
		return false
	}
	return reflect.DeepEqual(indexAttrs(a), indexAttrs(b))
}

// indexAttrs returns the attributes that matter for an index's
// definition, in a comparable form.
func indexAttrs(i *schema.Index) []string {
	var out []string
	for _, a := range i.Attrs {
		switch a := a.(type) {
		case *postgres.IndexPredicate:
			out = append(out, "where "+a.P)
		case *postgres.IndexType:
			if !strings.EqualFold(a.T, "btree") {
				out = append(out, "using "+strings.ToLower(a.T))
			}
		case *postgres.Constraint:
			out = append(out, "constraint "+a.T)
		case *postgres.IndexNullsDistinct:
			if !a.V {
				out = append(out, "nulls not distinct")
			}
		}
	}
	return out
}

func sameParts(a, b []*schema.IndexPart) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Desc != b[i].Desc || (a[i].C == nil) != (b[i].C == nil) {
			return false
		}
		if a[i].C != nil && a[i].C.Name != b[i].C.Name {
			return false
		}
		if a[i].X != nil && exprText(a[i].X) != exprText(b[i].X) {
			return false
		}
	}
	return true
}

func exprText(x schema.Expr) string {
	switch x := x.(type) {
	case *schema.RawExpr:
		return x.X
	case *schema.Literal:
		return x.V
	}
	return fmt.Sprint(x)
}

func sameForeignKey(a, b *schema.ForeignKey) bool {
	if a.Symbol == b.Symbol || a.RefTable.Name != b.RefTable.Name || len(a.Columns) != len(b.Columns) || len(a.RefColumns) != len(b.RefColumns) {
		return false
	}
	if refOption(a.OnDelete) != refOption(b.OnDelete) || refOption(a.OnUpdate) != refOption(b.OnUpdate) {
		return false
	}
	for i := range a.Columns {
		if a.Columns[i].Name != b.Columns[i].Name {
			return false
		}
	}
	for i := range a.RefColumns {
		if a.RefColumns[i].Name != b.RefColumns[i].Name {
			return false
		}
	}
	return true
}

func refOption(o schema.ReferenceOption) schema.ReferenceOption {
	if o == "" {
		return schema.NoAction
	}
	return o
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// dropDefault is the statement dropping the default of table's column.
func dropDefault(table, column string) string {
	return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", quote(table), quote(column))
}
