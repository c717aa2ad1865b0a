package migration

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// The prefixes of the snapshot's lines holding the extensions and the
// SQL objects after the last migration, which Atlas does not model: one
// JSON line each, objects in the order they were created.
const (
	extensionPrefix = "# cpcgen:extension "
	objectPrefix    = "# cpcgen:object "
)

// ParseObjects reads the extension and object lines of a snapshot file.
func ParseObjects(data []byte) ([]*ir.Extension, []*ir.Object, error) {
	exts, err := parseLines(data, extensionPrefix, "extension", func(e *ir.Extension) bool { return e.Name != "" })
	if err != nil {
		return nil, nil, err
	}
	objs, err := parseLines(data, objectPrefix, "object", func(o *ir.Object) bool { return o.Key != "" && o.Create != "" && o.Drop != "" })
	if err != nil {
		return nil, nil, err
	}
	return exts, objs, nil
}

// objectPlan is what decideObjects decides for the objects.
type objectPlan struct {
	// cur and want are the objects after the last migration and the
	// package's, by key.
	cur, want map[string]*ir.Object
	// drop are the keys of current objects to drop, create those of the
	// package's to create, replace those to replace in place.
	drop, create, replace map[string]bool
	// why says, for an object dropped and created again, what made it so.
	why map[string]string
	// alter holds, by key, the statements that change a composite type
	// or a domain a column uses, or a sequence, in place, and back (see
	// alterComposite, alterDomain, alterSequence).
	alter map[string][2]string
	// seqNotes holds, by key, what alterSequence notes of a sequence
	// altered in place whose range shrinks, going up and going down.
	seqNotes map[string][2]string
	// renamed holds, by key, the object after the last migration that a
	// sequence renamed in place (renamedSequence) was.
	renamed map[string]*ir.Object
}

// planObjects adds to p the statements that bring the extensions and the
// SQL objects from the snapshot's (curExts, curObjs) to the package's:
//
//   - new extensions are created before every other change, removed
//     ones dropped after every other change; a changed version is an
//     ALTER EXTENSION … UPDATE TO, a changed schema an ALTER EXTENSION
//     … SET SCHEMA;
//   - objects that go, or that are dropped to be created again, are
//     dropped before every other change (so before the tables they
//     depend on change), dependents first: in the reverse of the order
//     they were created;
//   - objects that come, or come again, are created after every other
//     change (so after their tables), in the package's order;
//   - objects created before the tables (Early) are created (again)
//     before the tables change, after p.unbind, and those that go are
//     dropped after them;
//   - see decideObjects for what is dropped and created again.
//
// Every statement has its reverse, so the down migration undoes it.
func planObjects(p *Planned, pkg *ir.Package, current *schema.Schema, curExts []*ir.Extension, curObjs []*ir.Object) error {
	before, after, beforeSum, afterSum := planExtensions(pkg, curExts)
	curObjs, partRenames, partSum := renamePartitions(p.Schema, pkg, curObjs)
	op, err := decideObjects(pkg, curObjs, columnChanges(p.Schema), droppedTables(p.Schema), renamedAway(p.Schema), madeConstraints(p.Changes, rebuiltIndexes(p.Schema)), readdedForeignKeys(p.Changes), p.replaced, typeColumns(current))
	if err != nil {
		return err
	}
	cur, want := op.cur, op.want
	var drops, creates, earlyDrops, earlyRedo, earlyCreates []*Change
	var dropSum, createSum []string
	dropOf := map[*Change]*ir.Object{}
	kept := serialAdoptsSequences(p, curObjs, op)
	serials := serialSequenceNames(p.Schema)
	for i := len(curObjs) - 1; i >= 0; i-- {
		o := curObjs[i]
		if !op.drop[o.Key] || kept[o.Key] {
			continue
		}
		c := &Change{Cmd: o.Drop, Reverse: []string{unchecked(o.Create)}}
		if op.create[o.Key] {
			c.Comment = fmt.Sprintf("drop %s, to create it again: %s", o.Title(), op.why[o.Key])
		} else {
			c.Comment = "drop " + o.Title()
			dropSum = append(dropSum, c.Comment)
		}
		c.finding = objectFinding(c, o, true, want[o.Key])
		switch {
		case o.Early && op.create[o.Key] && overloads(o, want[o.Key]) && !p.rebound[o.Key]:
			// Both can exist at once: the new one is created before the
			// tables change, and the old one, which a generated column
			// or a default may call until then, dropped after them.
			c.Comment = fmt.Sprintf("drop %s as it was: its arguments changed", o.Title())
			earlyDrops = append(earlyDrops, c)
		case o.Early && op.create[o.Key] && overloads(o, want[o.Key]):
			// What calls it, which the table changes do not change, was
			// dropped (unbind) to be made again over the new one.
			c.Comment = fmt.Sprintf("drop %s as it was: its arguments changed, and what calls it is made again after the new one is created", o.Title())
			earlyRedo = append(earlyRedo, c)
		case o.Early && op.create[o.Key]:
			earlyRedo = append(earlyRedo, c)
		case o.Early && o.Kind == "sequence" && serials[o.Name] && !defaultUses(current, o.Name):
			// A serial column the migration adds takes its name:
			// dropped after the tables, it would have left the column
			// a sequence numbered as the name was taken (t_id_seq1),
			// and an object setting the options of t_id_seq would
			// have set this one's.
			c.Comment += ", before the tables: the sequence of a serial column the migration adds takes its name"
			drops = append(drops, c)
		case o.Early:
			earlyDrops = append(earlyDrops, c)
			dropOf[c] = o
		default:
			drops = append(drops, c)
		}
	}
	adopted := adoptSerialSequences(p, pkg, op)
	for key := range numberedKeyNames(p, pkg, current, op) {
		adopted[key] = true
	}
	for _, n := range pkg.Objects {
		var c *Change
		switch {
		case adopted[n.Key]:
			continue
		case op.replace[n.Key]:
			// The comment a replacement drops is taken away; so is, going
			// back, the one it adds.
			o := cur[n.Key]
			c = &Change{Cmd: uncomment(o.Replace, n.Replace) + n.Replace, Reverse: []string{unchecked(uncomment(n.Replace, o.Replace) + o.Replace)}, Comment: "replace " + n.Title()}
			createSum = append(createSum, c.Comment)
		case op.alter[n.Key] != [2]string{}:
			a := op.alter[n.Key]
			if a[0] == "" {
				continue // written apart only
			}
			c = &Change{Cmd: a[0], Reverse: []string{a[1]}, Comment: "alter " + n.Title() + " in place: columns use it"}
			switch was := op.renamed[n.Key]; {
			case was != nil:
				c.Comment = fmt.Sprintf("rename %s to %q, keeping its value", was.Title(), n.Name)
			case n.Kind == "sequence":
				c.Comment = "alter " + n.Title() + " in place, keeping its value"
			}
			createSum = append(createSum, c.Comment)
			if note := joinNotes(op.seqNotes[n.Key]); note != "" {
				c.Comment += ": " + note
			}
		case op.create[n.Key] && cur[n.Key] != nil:
			c = &Change{Cmd: n.Create, Reverse: []string{n.Drop}, Comment: "create " + n.Title() + " again"}
			createSum = append(createSum, fmt.Sprintf("drop and create %s again (%s)", n.Title(), op.why[n.Key]))
		case op.create[n.Key]:
			c = &Change{Cmd: n.Create, Reverse: []string{n.Drop}, Comment: "create " + n.Title()}
			createSum = append(createSum, c.Comment)
		default:
			continue
		}
		c.finding = objectFinding(c, n, false, n)
		if note := op.seqNotes[n.Key][0]; note != "" {
			c.finding = narrowedSequence(n, note)
		}
		if f := readsDropped(n, p.Schema); f != nil {
			c.finding = f
		}
		if n.Early {
			earlyCreates = append(earlyCreates, c)
		} else {
			creates = append(creates, c)
		}
	}
	creates = append(partRenames, creates...)
	createSum = append(partSum, createSum...)
	if len(before)+len(after)+len(drops)+len(creates)+len(earlyDrops)+len(earlyRedo)+len(earlyCreates) == 0 {
		return nil
	}
	// Sequences, domains and types tables use are created (and created
	// again) before the tables' changes, and dropped for good after them;
	// the columns that call one created again are dropped before it.
	var freed []*Change
	freed, earlyDrops, err = enumNamesFreed(p, pkg, current, earlyCreates, earlyDrops, dropOf)
	if err != nil {
		return err
	}
	drops = append(drops, freed...)
	unbound := 0
	for _, c := range append(slices.Clone(p.unbind), p.aside...) {
		unbound = max(unbound, slices.Index(p.Changes, c)+1)
	}
	p.Changes = concat(before, drops, p.Changes[:unbound], earlyRedo, earlyCreates, p.Changes[unbound:], creates, earlyDrops, after)
	p.Summary = append(append(append(append(beforeSum, dropSum...), p.Summary...), createSum...), afterSum...)
	return nil
}

// enumNamesFreed handles a name that passes between an enum and an
// object created before the tables (a domain or type: an enum made a
// domain over text of the same name, or the other way round): the table
// changes drop and create enums, after those objects are created and
// before they are dropped, so the new one was created while the old one
// still held the name ("type "mood" already exists"). The old one is
// dropped before: an enum's drop is taken out of p.Changes, and an
// object's out of earlyDrops (returned without it), to run with the
// objects' drops before the tables change. An enum a column of the
// current schema has is not dropped here but renamed aside
// (enumsAside); an object a column has is an error: the enum would have
// to be created under another name and renamed after the conversion.
// The drops of the objects that depend on a freed one (dropOf names the
// object of each of earlyDrops), such as a composite type with an
// attribute of it, come before it as they came (PostgreSQL refuses to
// drop a type another uses).
func enumNamesFreed(p *Planned, pkg *ir.Package, current *schema.Schema, earlyCreates, earlyDrops []*Change, dropOf map[*Change]*ir.Object) (freed, keep []*Change, err error) {
	used := typeColumns(current)
	created := map[string]bool{}
	for _, c := range earlyCreates {
		if n := createdTypeName(c.Cmd); n != "" {
			created[n] = true
		}
	}
	newEnums := map[string]bool{}
	var changes []*Change
	for _, c := range p.Changes {
		switch src := c.Source.(type) {
		case *schema.DropObject:
			if e, ok := src.O.(*schema.EnumType); ok && created[e.T] {
				freed = append(freed, c)
				continue
			}
		case *schema.AddObject:
			if e, ok := src.O.(*schema.EnumType); ok {
				newEnums[e.T] = true
			}
		}
		changes = append(changes, c)
	}
	p.Changes = changes
	free := map[*Change]bool{}
	for _, c := range earlyDrops {
		n := droppedTypeName(c.Cmd)
		if n != "" && newEnums[n] && len(used[n]) > 0 {
			where := ""
			if i := slices.IndexFunc(pkg.Enums, func(e *ir.Enum) bool { return e.SQLName == n }); i >= 0 {
				where = posPrefix(pkg.Enums[i].Pos)
			}
			return nil, nil, fmt.Errorf("%sthe specs make %q an enum type while column(s) %s still have the type or domain of that name, which the migration drops: PostgreSQL cannot create the enum while the old type holds the name; change the type of the column(s) in a migration of its own first (to text, say), then make the enum in the next",
				where, n, quotedList(used[n]))
		}
		if n != "" && newEnums[n] {
			free[c] = true
		}
	}
	// earlyDrops come in reverse dependency order: a dependent before
	// what it needs.
	freedKeys := map[string]bool{}
	for i := len(earlyDrops) - 1; i >= 0; i-- {
		c := earlyDrops[i]
		o := dropOf[c]
		if o == nil {
			continue
		}
		if !free[c] && slices.ContainsFunc(o.DependsOn, func(k string) bool { return freedKeys[k] }) {
			if n := createdTypeName(o.Create); n != "" && len(used[n]) > 0 {
				return nil, nil, fmt.Errorf("the migration drops %s, which column(s) %s still have, before the tables change: it uses a type whose name the specs give an enum; change the type of the column(s) in a migration of its own first, then make the enum in the next",
					o.Title(), quotedList(used[n]))
			}
			free[c] = true
		}
		if free[c] {
			freedKeys[o.Key] = true
		}
	}
	for _, c := range earlyDrops {
		if free[c] {
			freed = append(freed, c)
		} else {
			keep = append(keep, c)
		}
	}
	return freed, keep, nil
}

// createdTypeRE and droppedTypeRE read the type or domain a statement
// creates or drops, by its unqualified name (quoted or not).
var (
	createdTypeRE = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:TYPE|DOMAIN)\s+(?:(?:"[^"]+"|[a-z_][a-z0-9_$]*)\.)?("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`)
	droppedTypeRE = regexp.MustCompile(`(?is)^\s*DROP\s+(?:TYPE|DOMAIN)\s+(?:IF\s+EXISTS\s+)?(?:(?:"[^"]+"|[a-z_][a-z0-9_$]*)\.)?("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`)
)

// createdTypeName returns the name of the type or domain sql creates
// first, unquoted (folded to lower case when unquoted), or "".
func createdTypeName(sql string) string { return typeNameOf(createdTypeRE, sql) }

// droppedTypeName is createdTypeName for a DROP TYPE or DROP DOMAIN.
func droppedTypeName(sql string) string { return typeNameOf(droppedTypeRE, sql) }

func typeNameOf(re *regexp.Regexp, sql string) string {
	m := re.FindStringSubmatch(sql)
	if m == nil {
		return ""
	}
	return unquoteIdent(m[1])
}

// renamePartitions keeps the partitions of the tables the changes
// rename, with their rows: a partition of a renamed table that the
// package declares again, with the same bound, under the table's new
// name (as its derived name t_p0 becomes t2_p0, or under the name it
// had) is renamed when its name changes, and otherwise left alone —
// where the objects' comparison saw an old partition to drop with its
// rows and a new, empty one to create. It returns curObjs with such a
// partition as the package declares it, the renames and their summary.
func renamePartitions(changes []schema.Change, pkg *ir.Package, curObjs []*ir.Object) ([]*ir.Object, []*Change, []string) {
	renamed := map[string]string{}
	for _, c := range changes {
		if r, ok := c.(*schema.RenameTable); ok {
			renamed[ir.TableKey(r.From.Name)] = ir.TableKey(r.To.Name)
		}
	}
	if len(renamed) == 0 {
		return curObjs, nil, nil
	}
	// bound is the bound of partition o of table key parent: its CREATE
	// after the parent's name, or "".
	bound := func(o *ir.Object, parent string) string {
		_, b, _ := strings.Cut(o.Create, " PARTITION OF ")
		rest, ok := strings.CutPrefix(b, quote(strings.TrimPrefix(parent, "table "))+" ")
		if !ok {
			return ""
		}
		return rest
	}
	taken := map[string]bool{}
	for _, o := range curObjs {
		taken[o.Key] = true
	}
	out := make([]*ir.Object, 0, len(curObjs))
	var renames []*Change
	var sum []string
	used := map[*ir.Object]bool{}
	for _, o := range curObjs {
		var parent, was string
		if o.Kind == ir.KindPartition && len(o.DependsOn) == 1 {
			was = o.DependsOn[0]
			parent = renamed[was]
		}
		var match *ir.Object
		for _, n := range pkg.Objects {
			if parent != "" && !used[n] && n.Kind == ir.KindPartition && len(n.DependsOn) == 1 && n.DependsOn[0] == parent &&
				bound(n, parent) != "" && bound(n, parent) == bound(o, was) && (n.Key == o.Key || !taken[n.Key]) {
				match = n
				break
			}
		}
		if match == nil {
			out = append(out, o)
			continue
		}
		used[match] = true
		out = append(out, match)
		if match.Name != o.Name {
			c := &Change{
				Cmd:     fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quote(o.Name), quote(match.Name)),
				Reverse: []string{fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quote(match.Name), quote(o.Name))},
				Comment: fmt.Sprintf("rename partition %q to %q", o.Name, match.Name),
			}
			renames = append(renames, c)
			sum = append(sum, c.Comment)
		}
	}
	return out, renames, sum
}

// decideObjects decides which of the objects after the last migration
// (curObjs) go, which of the package's come, and which change in place:
//
//   - a changed object whose kind allows it and whose signature stays
//     (a function with the same arguments and result) is replaced in
//     place with CREATE OR REPLACE; a sequence whose options or
//     comments only change is altered in place (alterSequence), keeping
//     its value, and so are a composite type or a domain columns use
//     when they can be (alterComposite, alterDomain); any other change
//     drops it and creates it again, and with it every object that
//     depends on it;
//   - a view (ir.Object.Rebuild) is dropped and created again around a
//     change that drops, renames or retypes a column of a table it
//     depends on or its SQL names (changedTables), or renames that
//     table; so is a trigger that names columns, a row-level security
//     policy or a rule (bindsColumns);
//   - an object whose SQL names an index the migration drops and makes
//     again (rebuilt: what it sets there, a comment, goes with the old
//     index) is dropped and created again around it;
//   - an object naming a foreign key (a deferrable key's DEFERRABLE, its
//     comment) is made again after a statement of the migration, or of
//     its down, adds the key again (readded, by table and name: around
//     a change of its columns' types), which Atlas writes as it
//     declares it;
//   - a trigger on a table the migration renames (renamedTables, by
//     its old name) goes with it, so one the specs declare under the
//     same name on the table's old name, a table made anew, is dropped
//     before the rename and created again after;
//   - an object that uses an enum type the migration replaces (enums,
//     see rebuildEnums), by its depends_on or by naming it in its SQL,
//     is dropped before the type is replaced and created again after,
//     over the new type: PostgreSQL binds it to the old one, which then
//     cannot be dropped. An object created before the tables cannot be
//     (it would be created again before the type is replaced): that is
//     an error.
func decideObjects(pkg *ir.Package, curObjs []*ir.Object, changedTables, droppedTables, renamedTables map[string]bool, rebuilt map[string]*regexp.Regexp, readded map[[2]string]bool, enums []string, typeUsers map[string][]string) (objectPlan, error) {
	cur := map[string]*ir.Object{}
	for _, o := range curObjs {
		cur[o.Key] = o
	}
	want := map[string]*ir.Object{}
	for _, o := range pkg.Objects {
		want[o.Key] = o
	}
	op := objectPlan{cur: cur, want: want, drop: map[string]bool{}, create: map[string]bool{}, replace: map[string]bool{}, why: map[string]string{}, alter: map[string][2]string{}, seqNotes: map[string][2]string{}, renamed: map[string]*ir.Object{}}
	renames := sequenceRenames(pkg, curObjs)
	renamedAway := map[string]bool{}
	for _, o := range renames {
		renamedAway[o.Key] = true
	}
	for _, o := range curObjs {
		if want[o.Key] == nil && !renamedAway[o.Key] {
			op.drop[o.Key] = true
		}
	}
	readdedKeys := slices.SortedFunc(maps.Keys(readded), func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	redo := func(key, why string) {
		delete(op.replace, key)
		delete(op.alter, key)
		delete(op.seqNotes, key)
		if was := op.renamed[key]; was != nil {
			// Not renamed after all: the old one goes.
			op.drop[was.Key] = true
			delete(op.renamed, key)
		}
		op.drop[key], op.create[key] = true, true
		op.why[key] = why
	}
	for _, n := range pkg.Objects {
		o := cur[n.Key]
		switch {
		case o == nil && renames[n.Key] != nil:
			// Renamed (renamed_from:), it keeps its value, and what
			// depends on it stays.
			was := renames[n.Key]
			up, down, notes, _ := renamedSequence(was, n)
			op.alter[n.Key], op.seqNotes[n.Key], op.renamed[n.Key] = [2]string{up, down}, notes, was
		case o == nil:
			op.create[n.Key] = true
		case o.Create != n.Create && n.Replace != "" && o.Replace != "" && o.Signature == n.Signature && o.Kind == n.Kind:
			op.replace[n.Key] = true
		case o.Create != n.Create && o.Kind == "type" && n.Kind == "type" && len(typeUsers[objectTypeName(n)]) > 0:
			// Columns use it, so it cannot be dropped: changed in place
			// when it can be, else refused below.
			if up, down, ok := alterComposite(o, n); ok {
				op.alter[n.Key] = [2]string{up, down}
			} else {
				redo(n.Key, "its definition changed")
			}
		case o.Create != n.Create && o.Kind == "domain" && n.Kind == "domain" && len(typeUsers[objectTypeName(n)]) > 0:
			if up, down, ok := alterDomain(o, n, domainContained(objectTypeName(n), pkg.Objects, typeUsers)); ok {
				op.alter[n.Key] = [2]string{up, down}
			} else {
				redo(n.Key, "its definition changed")
			}
		case o.Create != n.Create && o.Kind == "sequence" && n.Kind == "sequence":
			// Altered in place, it keeps its value, and what depends
			// on it stays.
			if up, down, notes, ok := alterSequence(o, n); ok {
				op.alter[n.Key], op.seqNotes[n.Key] = [2]string{up, down}, notes
			} else {
				redo(n.Key, "its definition changed")
			}
		case o.Create != n.Create:
			redo(n.Key, "its definition changed")
		}
		if op.replace[n.Key] && !o.Early && sqllex.AtomicBody(o.Create) {
			// PostgreSQL parses a BEGIN ATOMIC body when it is created,
			// whatever check_function_bodies says, and the function then
			// depends on what the body names: replaced back in the down
			// migration before the table changes are undone, the old body
			// would name a table or column not yet back, and the up
			// migration could not drop what the old body reads. Dropped
			// before the table changes and created after them, its old
			// body is created after the down migration has undone them.
			// (A string body is not checked in a down: see unchecked.)
			if t := namedTable(o.Create, changedTables); t != "" {
				redo(n.Key, fmt.Sprintf("its SQL as it was names table %q, whose columns change: the down migration creates it as it was after the table is back", t))
			} else if t := namedTable(o.Create, droppedTables); t != "" {
				redo(n.Key, fmt.Sprintf("its SQL as it was names table %q, which the migration drops: the down migration creates it as it was after the table is back", t))
			}
		}
		if o != nil && !op.create[n.Key] && o.Table != "" && renamedTables[o.Table] {
			// The trigger goes with its table to the table's new name; the
			// one the specs declare on the old name is on another table,
			// made under that name (a table renamed aside and made anew).
			redo(n.Key, fmt.Sprintf("its table %q is renamed, taking the trigger with it, and this one is on the table now named so", o.Table))
		}
		if o != nil && !op.create[n.Key] {
			// What is set on an index the migration drops and makes again
			// (its comment) goes with it.
			for _, x := range slices.Sorted(maps.Keys(rebuilt)) {
				if namesIndex(o, rebuilt[x]) {
					redo(n.Key, fmt.Sprintf("index %q, which its SQL names or its foreign key may use, is made again", x))
					break
				}
			}
		}
		if o != nil && !op.create[n.Key] {
			// What an object sets on a foreign key the migration adds
			// again (around a change of its columns' types), which Atlas
			// adds as it declares it, is set again after it, both ways:
			// a deferrable key's DEFERRABLE, the key's comment.
			for _, k := range readdedKeys {
				if namesConstraint(o, k[0], k[1]) || namesConstraint(n, k[0], k[1]) {
					redo(n.Key, fmt.Sprintf("foreign key %q of table %q, which its SQL names, is dropped and added again", k[1], k[0]))
					break
				}
			}
		}
		if (n.Rebuild || bindsColumns(o)) && o != nil && !op.create[n.Key] {
			for _, d := range n.DependsOn {
				if t, ok := strings.CutPrefix(d, "table "); ok && changedTables[t] {
					redo(n.Key, fmt.Sprintf("columns of table %q change", t))
				}
			}
			// A view that reads a table without declaring it is bound
			// to its columns all the same.
			if t := namedTable(o.Create, changedTables); t != "" && !op.create[n.Key] {
				redo(n.Key, fmt.Sprintf("columns of table %q, which its SQL names, change", t))
			}
			// A dependency it gains that the migration creates may
			// change the columns it reads: an object of kind other
			// giving a column its domain (ALTER TABLE … ALTER COLUMN …
			// TYPE, as import declares a column of a domain type),
			// which PostgreSQL refuses while a view reads the column.
			// The down migration drops that object, and so this one
			// first, by the dependency it has then.
			for _, d := range n.DependsOn {
				if !op.create[n.Key] && cur[d] == nil && want[d] != nil && !slices.Contains(o.DependsOn, d) {
					redo(n.Key, fmt.Sprintf("it depends now on %s, which the migration creates", objectTitle(d, cur, want)))
				}
			}
		}
	}
	for _, o := range curObjs {
		for _, e := range enums {
			if !usesEnum(o, e) {
				continue
			}
			if o.Early {
				return op, fmt.Errorf("%s uses enum type %q, whose values this migration drops or reorders, so replaces the type; but it is created before the tables, so before the enums, and cannot be created again over the new type: in a migration of its own first, have it created after the tables (drop before_tables: true, or declare a domain or type as kind other), or write this migration by hand", o.Title(), e)
			}
			if want[o.Key] != nil && !op.create[o.Key] {
				redo(o.Key, fmt.Sprintf("it uses enum type %q, which is replaced", e))
			}
		}
	}
	// What depends on an object dropped and created again goes and comes
	// with it: by the dependencies it had, and by those it has now, and
	// by the types its definition is bound to (typeBound).
	for changed := true; changed; {
		changed = false
		for _, n := range pkg.Objects {
			o := cur[n.Key]
			if o == nil || op.drop[n.Key] {
				continue
			}
			for _, d := range append(append([]string(nil), o.DependsOn...), n.DependsOn...) {
				if op.drop[d] {
					redo(n.Key, fmt.Sprintf("it depends on %s", objectTitle(d, cur, want)))
					changed = true
					break
				}
			}
			if op.drop[n.Key] {
				continue
			}
			for _, d := range curObjs {
				if op.drop[d.Key] && (typeBound(o, d) || typeBound(n, d)) {
					redo(n.Key, fmt.Sprintf("its definition uses %s", d.Title()))
					changed = true
					break
				}
			}
		}
	}
	for _, o := range curObjs {
		if o.Kind != "type" && o.Kind != "domain" || !op.drop[o.Key] || !op.create[o.Key] {
			continue
		}
		if users := typeUsers[objectTypeName(o)]; len(users) > 0 {
			return op, typeInUse(o, users, op.why[o.Key])
		}
	}
	return op, nil
}

// triggerColumnsRE matches what binds a trigger to columns of its table:
// an UPDATE OF column list, a WHEN condition.
var triggerColumnsRE = regexp.MustCompile(`(?is)\bUPDATE\s+OF\b|\bWHEN\s*\(`)

// boundRE matches the SQL of a row-level security policy or a rule,
// which import declares as objects of kind other.
var boundRE = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:POLICY|(?:OR\s+REPLACE\s+)?RULE)\b`)

// bindsColumns reports whether PostgreSQL binds o to columns of the
// tables it reads: a trigger whose UPDATE OF or WHEN names them, a
// row-level security policy (its USING and WITH CHECK expressions), a
// rule (its condition and actions). Such a column's type cannot change
// while the object exists ("cannot alter type of a column used in a
// trigger definition", "... in a policy definition", "... used by a
// view or rule"), nor can it be dropped.
func bindsColumns(o *ir.Object) bool {
	if o == nil {
		return false
	}
	return o.Kind == "trigger" && triggerColumnsRE.MatchString(o.Create) ||
		o.Kind == "other" && boundRE.MatchString(o.Create)
}

// typeBound reports whether PostgreSQL binds the object o to the type or
// domain t, so that t cannot be dropped while o exists, whether or not o
// declares it in depends_on: a function or procedure whose arguments or
// result name it, a type or domain defined over it, a view that names
// it (a cast). A function's body is not bound.
func typeBound(o, t *ir.Object) bool {
	if t.Kind != "type" && t.Kind != "domain" || o.Key == t.Key {
		return false
	}
	switch o.Kind {
	case "function", "procedure":
		return o.Signature != "" && mentions(o.Signature, t.Name)
	case "type", "domain", "view", "materialized_view":
		return mentions(o.Create, t.Name)
	}
	return false
}

// usesEnum reports whether the object o may be bound to the enum type e:
// it depends on it, or its SQL names it. For a function or procedure
// created before the tables, only its arguments and result count: its
// body cannot use the type when it is created (before the enums), so
// only a PL/pgSQL body, which PostgreSQL does not bind, may name it.
func usesEnum(o *ir.Object, e string) bool {
	sql := o.Create
	if o.Early && o.Signature != "" {
		sql = o.Signature
	}
	return slices.Contains(o.DependsOn, ir.EnumKey(e)) || mentions(sql, e)
}

// recreatedEarly returns the objects created before the tables that the
// migration from curObjs to the package's drops and creates again (a
// function whose result changes, say), and among them the functions
// whose arguments change (see overloads), by key. PostgreSQL refuses to
// drop one while a generated column, default, index or check calls it
// (see unbind).
func recreatedEarly(pkg *ir.Package, curObjs []*ir.Object) ([]*ir.Object, map[string]bool) {
	op, _ := decideObjects(pkg, curObjs, nil, nil, nil, nil, nil, nil, nil)
	var out []*ir.Object
	overloaded := map[string]bool{}
	for _, o := range curObjs {
		if o.Early && op.drop[o.Key] && op.create[o.Key] {
			out = append(out, o)
			if overloads(o, op.want[o.Key]) {
				overloaded[o.Key] = true
			}
		}
	}
	return out, overloaded
}

// overloads reports whether n, the new definition of the function or
// procedure o, is another function of the same name, which PostgreSQL
// keeps beside o: it takes another number of arguments (OUT arguments
// left out, as they are from a function's identity).
func overloads(o, n *ir.Object) bool {
	if n == nil || o.Kind != n.Kind || o.Kind != "function" && o.Kind != "procedure" || strings.Contains(o.Drop, ";") || strings.Contains(n.Drop, ";") {
		return false
	}
	return inArgs(o.Drop) != inArgs(n.Drop)
}

// inArgs counts the arguments of the function a DROP FUNCTION statement
// names, but its OUT arguments; -1 when it names none.
func inArgs(drop string) int {
	toks, err := sqllex.Lex(drop)
	if err != nil {
		return -1
	}
	open := sqllex.Top(toks, 0, func(i int) bool { return toks[i].IsPunct("(") })
	end := sqllex.Closing(toks, open)
	if end < 0 {
		return -1
	}
	n := 0
	for _, arg := range sqllex.Split(toks[open+1:end], sqllex.Comma) {
		if len(arg) > 0 && !arg[0].Is("out") {
			n++
		}
	}
	return n
}

func concat(parts ...[]*Change) []*Change {
	var out []*Change
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// objectTitle names the object with the given key, as the package or
// the snapshot has it.
func objectTitle(key string, cur, want map[string]*ir.Object) string {
	if o := want[key]; o != nil {
		return o.Title()
	}
	if o := cur[key]; o != nil {
		return o.Title()
	}
	return key
}

// adoptSerialSequences keeps the sequence of a column that stops being
// serial when the spec now declares that sequence as an sql object of
// kind sequence (as import writes a sequence a plain column owns, a
// serial whose default was dropped): the object is not created and the
// statement dropping the sequence with the column's serial becomes one
// making it owned by no column, as the object's CREATE SEQUENCE makes
// it (import declares the ownership as an object of its own, ALTER
// SEQUENCE … OWNED BY, created after the tables); its reverse gives it
// back to the column in the down migration after the objects' own
// reverses. The sequence keeps its value. It returns the keys of those
// objects.
func adoptSerialSequences(p *Planned, pkg *ir.Package, op objectPlan) map[string]bool {
	adopted := map[string]bool{}
	for _, n := range pkg.Objects {
		if n.Kind != "sequence" || !op.create[n.Key] || op.cur[n.Key] != nil {
			continue
		}
		seq := quote(n.Name)
		for _, c := range p.Changes {
			if _, ok := c.Source.(*schema.ModifyColumn); !ok || c.Cmd != "DROP SEQUENCE IF EXISTS "+seq {
				continue // Atlas's statement after the ALTER
			}
			var owner string
			for _, r := range c.Reverse {
				if m := ownedByRE.FindStringSubmatch(r); m != nil {
					owner = m[1]
				}
			}
			if owner == "" {
				break
			}
			c.Cmd, c.Reverse = "ALTER SEQUENCE "+seq+" OWNED BY NONE", []string{"ALTER SEQUENCE " + seq + " OWNED BY " + owner}
			c.Comment = fmt.Sprintf("keep sequence %s, which the specs now declare, no longer owned by %s", seq, owner)
			adopted[n.Key] = true
			break
		}
	}
	return adopted
}

// numberedKeyNames returns the primary key name objects (ir.NounPrimaryKeyName)
// of the tables the migration creates whose name is the one PostgreSQL
// gives the key itself, by key: the name derived from the table's is
// taken by another relation before the migration and stays so after it
// (a table renamed keeps its key's name: sessions_pkey on user_sessions,
// after which a new sessions table gets sessions_pkey1), so PostgreSQL
// numbers the new key, and renaming it from the derived name would
// fail. Their creation is left out: the key has its name already.
func numberedKeyNames(p *Planned, pkg *ir.Package, current *schema.Schema, op objectPlan) map[string]bool {
	out := map[string]bool{}
	created := map[string]bool{}
	for _, c := range p.Schema {
		if a, ok := c.(*schema.AddTable); ok {
			created[a.T.Name] = true
		}
	}
	if len(created) == 0 {
		return out
	}
	before := map[string]bool{}
	if current != nil {
		before = relationNames(current, op.cur)
	}
	// The objects the migration creates before the tables (a sequence a
	// key takes nextval of) have their names by the time it does.
	for _, o := range pkg.Objects {
		if o.Early && op.create[o.Key] && relationObject(o) {
			before[o.Name] = true
		}
	}
	for _, n := range pkg.Objects {
		if n.Noun != ir.NounPrimaryKeyName || !op.create[n.Key] || op.cur[n.Key] != nil || !created[n.Table] {
			continue
		}
		derived := names.PrimaryKey(n.Table)
		if !before[derived] || len(derived) >= names.MaxIdent || !keepsName(pkg, derived) {
			continue
		}
		chosen := ""
		for i := 1; chosen == ""; i++ {
			if c := derived + strconv.Itoa(i); !before[c] {
				chosen = c
			}
		}
		if n.Name == chosen {
			out[n.Key] = true
		}
	}
	return out
}

// keepsName reports whether a table of pkg keeps a primary key or an
// index named name, or an object of pkg is a relation so named.
func keepsName(pkg *ir.Package, name string) bool {
	for _, t := range pkg.Tables {
		if len(t.PK) > 0 && t.PKName == name {
			return true
		}
		for _, idx := range t.Indexes {
			if idx.Name == name {
				return true
			}
		}
	}
	return slices.ContainsFunc(pkg.Objects, func(o *ir.Object) bool {
		return o.Noun != ir.NounPrimaryKeyName && relationObject(o) && o.Name == name
	})
}

// relationObject reports whether the object o holds a name among the
// relations a new key's name is chosen from: a sequence, a view, a
// materialized view, a type (a composite one is a relation), a primary
// key name object (the key's index).
func relationObject(o *ir.Object) bool {
	switch {
	case o.Kind == "sequence", o.Kind == "view", o.Kind == "materialized_view", o.Kind == "type", o.Noun == ir.NounPrimaryKeyName:
		return true
	}
	return false
}

// relationNames returns the names of the relations a schema and its
// objects hold, as far as PostgreSQL picks a new key's name among them:
// tables, their primary keys (named by the schema or by a primary key
// name object) and indexes, sequences, views and types.
func relationNames(s *schema.Schema, objs map[string]*ir.Object) map[string]bool {
	out := map[string]bool{}
	for _, t := range s.Tables {
		out[t.Name] = true
		if t.PrimaryKey != nil && t.PrimaryKey.Name != "" {
			out[t.PrimaryKey.Name] = true
		}
		for _, idx := range t.Indexes {
			out[idx.Name] = true
		}
	}
	for _, o := range objs {
		if relationObject(o) {
			out[o.Name] = true
		}
	}
	return out
}

// serialAdoptsSequences keeps a sequence the specs no longer declare as
// an sql object of kind sequence when a column becomes serial and its
// sequence has that name (a column whose default took nextval of the
// object, made serial: true): Atlas's CREATE SEQUENCE IF NOT EXISTS …
// OWNED BY did nothing where the sequence existed, and the object's
// DROP SEQUENCE then failed on the column's default. The statement
// becomes ALTER SEQUENCE … AS <the column's integer type> OWNED BY the
// column, whose reverse gives the sequence back its type and no owner,
// and the sequence keeps its value. It returns the keys of those
// objects, which are not dropped.
func serialAdoptsSequences(p *Planned, curObjs []*ir.Object, op objectPlan) map[string]bool {
	kept := map[string]bool{}
	for _, o := range curObjs {
		if o.Kind != "sequence" || !op.drop[o.Key] || op.create[o.Key] {
			continue
		}
		seq := quote(o.Name)
		for _, c := range p.Changes {
			m := serialCreateRE.FindStringSubmatch(c.Cmd)
			if m == nil || m[1] != seq {
				continue
			}
			typ := m[2]
			was := "bigint"
			if t := sequenceAsRE.FindStringSubmatch(o.Create); t != nil {
				was = strings.ToLower(t[1])
			}
			c.Cmd = fmt.Sprintf("ALTER SEQUENCE %s AS %s OWNED BY %s.%s", seq, typ, m[3], m[4])
			c.Reverse = []string{fmt.Sprintf("ALTER SEQUENCE %s AS %s OWNED BY NONE", seq, was)}
			c.Comment = fmt.Sprintf("make sequence %s, which the specs no longer declare, the serial sequence of %s.%s", seq, m[3], m[4])
			kept[o.Key] = true
			break
		}
	}
	return kept
}

// serialCreateRE reads the statement that makes a column serial, as
// serialSequence writes it: the sequence, the table, the column and the
// integer type; sequenceAsRE the data type a CREATE SEQUENCE gives its
// sequence (bigint when it names none).
var (
	serialCreateRE = regexp.MustCompile(`^CREATE SEQUENCE IF NOT EXISTS ((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") AS (\w+) OWNED BY ("(?:[^"]|"")+")\.("(?:[^"]|"")+")$`)
	sequenceAsRE   = regexp.MustCompile(`(?is)^\s*CREATE\s+SEQUENCE\s+.*?\bAS\s+(smallint|integer|bigint|int2|int4|int8)\b`)
)

// ownedByRE matches the owner of a sequence Atlas creates for a serial
// column: OWNED BY "table"."column".
var ownedByRE = regexp.MustCompile(`OWNED BY ("(?:[^"]|"")+"\."(?:[^"]|"")+")`)

// rebuiltIndexes returns the indexes changes drop and make again,
// changed (Atlas drops and creates them) or dropped and added under the
// same name, by name, each with the pattern that finds it in SQL
// (indexNameRE); and the unique indexes and primary keys they drop or
// change, each with the pattern that finds a foreign key referencing its
// table (referencesRE), which may use it.
func rebuiltIndexes(changes []schema.Change) map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		dropped := map[string]bool{}
		for _, tc := range mt.Changes {
			if d, ok := tc.(*schema.DropIndex); ok {
				dropped[d.I.Name] = true
			}
		}
		// A unique index dropped or changed here may be the one a foreign
		// key kept as SQL uses, which PostgreSQL drops the index only
		// after: the key goes before and comes again after.
		add := func(name string, re *regexp.Regexp, unique bool) {
			if unique && name != "" {
				re = eitherRE(re, referencesRE(mt.T.Name))
			}
			if old := out[name]; old != nil {
				re = eitherRE(old, re)
			}
			if re != nil {
				out[name] = re
			}
		}
		for _, tc := range mt.Changes {
			switch tc := tc.(type) {
			case *schema.ModifyIndex:
				add(tc.From.Name, indexNameRE(tc.From.Name), tc.From.Unique)
			case *schema.DropIndex:
				add(tc.I.Name, nil, tc.I.Unique)
			case *schema.AddIndex:
				if dropped[tc.I.Name] {
					add(tc.I.Name, indexNameRE(tc.I.Name), false)
				}
			case *schema.ModifyPrimaryKey:
				// The primary key is a unique index too: one changed
				// (dropped and added again) or dropped may be the key a
				// foreign key kept as SQL was made on.
				add(primaryKeyName(mt.T.Name, tc.From), nil, true)
			case *schema.DropPrimaryKey:
				add(primaryKeyName(mt.T.Name, tc.P), nil, true)
			}
		}
	}
	return out
}

// madeConstraintRE reads a unique index made a unique constraint in
// place (indexesToConstraints): the table and the index.
var madeConstraintRE = regexp.MustCompile(`^ALTER TABLE ("(?:[^"]|"")+") ADD CONSTRAINT "(?:[^"]|"")+" UNIQUE USING INDEX ("(?:[^"]|"")+")$`)

// madeConstraints adds to rebuilt (see rebuiltIndexes) the unique
// indexes the schema step of changes makes unique constraints in place,
// each with the pattern that finds a foreign key referencing its table:
// the down migration drops the constraint, and the index with it, which
// PostgreSQL refuses while a foreign key kept as SQL made on it stands,
// so such a key is dropped before and made again after.
func madeConstraints(changes []*Change, rebuilt map[string]*regexp.Regexp) map[string]*regexp.Regexp {
	for _, c := range changes {
		m := madeConstraintRE.FindStringSubmatch(c.Cmd)
		if m == nil || c.Step != roleSchema {
			continue
		}
		re := referencesRE(unquoteIdent(m[1]))
		if old := rebuilt[unquoteIdent(m[2])]; old != nil {
			re = eitherRE(old, re)
		}
		rebuilt[unquoteIdent(m[2])] = re
	}
	return rebuilt
}

// addForeignKeyRE matches an ALTER TABLE adding foreign keys: the table,
// then (addedForeignKeyRE) the name of each key it adds.
var (
	addForeignKeyRE   = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?((?:"(?:[^"]|"")+"|\w+)(?:\.(?:"(?:[^"]|"")+"|\w+))?)`)
	addedForeignKeyRE = regexp.MustCompile(`(?is)\bADD\s+CONSTRAINT\s+("(?:[^"]|"")+"|\w+)\s+FOREIGN\s+KEY\b`)
)

// readdedForeignKeys returns the foreign keys, by table and name, that a
// statement of changes adds, up or down: a key dropped and added again
// around a change of its columns' types, or of the column it
// references, which Atlas writes without what an object sets on it (a
// deferrable key's DEFERRABLE).
func readdedForeignKeys(changes []*Change) map[[2]string]bool {
	out := map[[2]string]bool{}
	for _, c := range changes {
		for _, stmt := range append([]string{c.Cmd}, c.Reverse...) {
			m := addForeignKeyRE.FindStringSubmatch(stmt)
			if m == nil {
				continue
			}
			table := lastIdent(m[1])
			for _, k := range addedForeignKeyRE.FindAllStringSubmatch(stmt, -1) {
				out[[2]string{table, unquoteIdent(k[1])}] = true
			}
		}
	}
	return out
}

// namesConstraint reports whether o, an object on table or depending on
// it, names the constraint name in its SQL: CONSTRAINT name (COMMENT ON
// CONSTRAINT, ALTER TABLE … ALTER CONSTRAINT).
func namesConstraint(o *ir.Object, table, name string) bool {
	if o.Table != table && !slices.Contains(o.DependsOn, ir.TableKey(table)) {
		return false
	}
	re := `(?is)\bCONSTRAINT\s+(?:` + regexp.QuoteMeta(quote(name))
	if strings.ToLower(name) == name {
		re += `|` + regexp.QuoteMeta(name) + `\b`
	}
	return regexp.MustCompile(re + `)`).MatchString(o.Create)
}

// lastIdent is the last name of a possibly qualified name, unquoted:
// notes of "public"."notes".
func lastIdent(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' && strings.Count(name[:i], `"`)%2 == 0 {
			return unquoteIdent(name[i+1:])
		}
	}
	return unquoteIdent(name)
}

// unquoteIdent is a name as SQL writes it, unquoted: "a""b" is a"b, Abc
// (not quoted) abc.
func unquoteIdent(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.ToLower(s)
}

// primaryKeyName is the name of the primary key pk of table: its own, or
// the one PostgreSQL gives a key declared without one.
func primaryKeyName(table string, pk *schema.Index) string {
	if pk != nil && pk.Name != "" {
		return pk.Name
	}
	return table + "_pkey"
}

// referencesRE matches a statement referencing the table: REFERENCES
// <table> (a foreign key).
func referencesRE(table string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\bREFERENCES\s+(?:"?public"?\.)?(?:` + regexp.QuoteMeta(quote(table)) + `|` + regexp.QuoteMeta(table) + `\b)`)
}

// eitherRE matches what a or b matches; either may be nil.
func eitherRE(a, b *regexp.Regexp) *regexp.Regexp {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return regexp.MustCompile(`(?:` + a.String() + `)|(?:` + b.String() + `)`)
}

// unchecked returns sql, which a down migration runs to make an object
// again as it was, with PostgreSQL's check of LANGUAGE sql bodies off
// around it, as pg_dump does, when it makes such a function or
// procedure: PostgreSQL checks a body once, when it is created, so the
// body may have gone stale since (it names a column renamed or dropped
// later), and made again as it was it would fail. A BEGIN ATOMIC body
// is parsed whatever the setting; decideObjects drops and creates such a
// function around the table changes instead.
func unchecked(sql string) string {
	if !sqlLanguageRE.MatchString(sql) || sqllex.AtomicBody(sql) || strings.Contains(sql, "check_function_bodies") {
		return sql
	}
	return "SET check_function_bodies = off;\n" + sql + ";\nRESET check_function_bodies"
}

// sqlLanguageRE matches the SQL of a function or procedure whose body
// PostgreSQL checks when it is created: LANGUAGE sql.
var sqlLanguageRE = regexp.MustCompile(`(?is)\bLANGUAGE\s+'?sql\b`)

// namedTable returns the first, in name order, of tables that the SQL
// text sql names; "" for none.
func namedTable(sql string, tables map[string]bool) string {
	for _, t := range slices.Sorted(maps.Keys(tables)) {
		if mentions(sql, t) {
			return t
		}
	}
	return ""
}

// serialSequenceNames returns the names of the sequences PostgreSQL
// makes for the serial columns the changes add, in a table they create
// or to one there is (<table>_<column>_seq, cut to fit 63 bytes).
func serialSequenceNames(changes []schema.Change) map[string]bool {
	out := map[string]bool{}
	add := func(t string, c *schema.Column) {
		if st, ok := c.Type.Type.(*postgres.SerialType); ok {
			seq := st.SequenceName
			if seq == "" {
				seq = names.ObjectName(t, c.Name, "seq")
			}
			out[seq] = true
		}
	}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			for _, col := range c.T.Columns {
				add(c.T.Name, col)
			}
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				if a, ok := tc.(*schema.AddColumn); ok {
					add(c.T.Name, a.C)
				}
			}
		}
	}
	return out
}

// defaultUses reports whether a column default of s names the sequence
// seq (nextval('seq'::regclass)).
func defaultUses(s *schema.Schema, seq string) bool {
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			if mentions(defaultSQL(c), seq) {
				return true
			}
		}
	}
	return false
}

// droppedTables returns the names of the tables the changes drop.
func droppedTables(changes []schema.Change) map[string]bool {
	out := map[string]bool{}
	for _, c := range changes {
		if d, ok := c.(*schema.DropTable); ok {
			out[d.T.Name] = true
		}
	}
	return out
}

// renamedAway returns the tables the schema changes rename, by their
// names before the change.
func renamedAway(changes []schema.Change) map[string]bool {
	out := map[string]bool{}
	for _, c := range changes {
		if r, ok := c.(*schema.RenameTable); ok {
			out[r.From.Name] = true
		}
	}
	return out
}

// columnChanges returns the tables whose columns the schema changes
// drop, rename or retype, or that are renamed, by their names before
// the change.
func columnChanges(changes []schema.Change) map[string]bool {
	out := map[string]bool{}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.RenameTable:
			out[c.From.Name] = true
			out[c.To.Name] = true
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				switch tc := tc.(type) {
				case *schema.DropColumn, *schema.RenameColumn:
					out[c.T.Name] = true
				case *schema.ModifyColumn:
					if retyped(tc) {
						out[c.T.Name] = true
					}
				}
			}
		}
	}
	return out
}

// planExtensions returns the changes bringing the extensions from cur
// to the package's: those to run before every other change (creates and
// updates) and after (drops), with their summaries.
func planExtensions(pkg *ir.Package, cur []*ir.Extension) (before, after []*Change, beforeSum, afterSum []string) {
	have := map[string]*ir.Extension{}
	for _, e := range cur {
		have[e.Name] = e
	}
	want := map[string]bool{}
	for _, e := range pkg.Extensions {
		want[e.Name] = true
		h := have[e.Name]
		switch {
		case h == nil:
			c := &Change{Cmd: e.Create(), Reverse: []string{e.Drop()}, Comment: fmt.Sprintf("create extension %q", e.Name)}
			before = append(before, c)
			beforeSum = append(beforeSum, c.Comment)
		default:
			var cs []*Change
			if e.Schema != h.Schema {
				// The extension's types go with it; the columns of them
				// keep them (AlignExtensionTypes).
				cs = append(cs, &Change{Cmd: e.SetSchema(), Reverse: []string{h.SetSchema()}, Comment: fmt.Sprintf("move extension %q to %s", e.Name, extensionPlace(e.Schema))})
			}
			if e.Version != "" && e.Version != h.Version {
				// Extensions ship upgrade scripts, seldom downgrade ones:
				// the down migration keeps the new version.
				cs = append(cs, &Change{Cmd: e.Update(), Comment: fmt.Sprintf("update extension %q to version %s", e.Name, e.Version),
					Irreversible: fmt.Sprintf("%s cannot be undone: extensions seldom have a way back to an older version, so it stays after the down migration", e.Update())})
			}
			for _, c := range cs {
				before = append(before, c)
				beforeSum = append(beforeSum, c.Comment)
			}
		}
	}
	for i := len(cur) - 1; i >= 0; i-- {
		e := cur[i]
		if want[e.Name] {
			continue
		}
		c := &Change{Cmd: e.Drop(), Reverse: []string{e.Create()}, Comment: fmt.Sprintf("drop extension %q", e.Name)}
		after = append(after, c)
		afterSum = append(afterSum, c.Comment)
	}
	return before, after, beforeSum, afterSum
}

// extensionPlace names the schema an extension is declared in for a
// change's comment: schema "extensions", or the current schema for none.
func extensionPlace(schema string) string {
	if schema == "" {
		return "the current schema"
	}
	return fmt.Sprintf("schema %q", schema)
}

// objectFinding is the risk of an object change, if any: a sequence
// dropped loses its value (destructive); a materialized view created
// runs its query inside the migration. now is the object as the package
// declares it, for the position, or nil.
func objectFinding(c *Change, o *ir.Object, dropped bool, now *ir.Object) *Finding {
	var f *Finding
	switch {
	case o.Kind == "sequence" && dropped:
		f = &Finding{Kind: Destructive, Code: "CPC120",
			Message: fmt.Sprintf("%s: it loses its current value", c.Comment),
			Hint:    "set the value again in a migration of its own (setval), or run again with --allow-destructive"}
	case o.Kind == ir.KindPartition && dropped:
		f = &Finding{Kind: Destructive, Code: "CPC122",
			Message: fmt.Sprintf("%s: its rows go with it", c.Comment),
			Hint:    "detach it first (ALTER TABLE … DETACH PARTITION) in a migration of its own to keep the rows, or run again with --allow-destructive"}
	case dropped && len(createdTables(o.Create)) > 0:
		tables := createdTables(o.Create)
		f = &Finding{Kind: Destructive, Code: "CPC124",
			Message: fmt.Sprintf("%s: its SQL creates table %s, whose rows go with it", c.Comment, strings.Join(tables, ", ")),
			Hint: fmt.Sprintf("to change the table and keep its rows, leave this object's SQL as it is and add an object of kind other after it with the change and its reverse (sql: ALTER TABLE %s …, drop: ALTER TABLE %s …); or run again with --allow-destructive if the rows may go",
				tables[0], tables[0])}
	case o.Kind == "materialized_view" && !dropped:
		f = &Finding{Kind: Lint, Code: "CPC121",
			Message: fmt.Sprintf("%s runs its query and stores the rows inside the migration's transaction", c.Comment),
			Hint:    "on a large table, create it WITH NO DATA and refresh it after the deploy"}
	default:
		return nil
	}
	if now != nil {
		f.Pos = now.Pos
	}
	return f
}

// createdTables returns the tables the statements of sql create (CREATE
// [UNLOGGED | TEMP] TABLE [IF NOT EXISTS] name, a partition or CREATE
// TABLE … AS included), as written.
func createdTables(sql string) []string {
	toks, err := sqllex.Lex(sql)
	if err != nil {
		return nil
	}
	var out []string
	start := true // at the start of a statement
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.IsPunct(";") {
			start = true
			continue
		}
		if !start {
			continue
		}
		start = false
		if !t.Is("create") {
			continue
		}
		j := i + 1
		for j < len(toks) && (toks[j].Is("global") || toks[j].Is("local") || toks[j].Is("temp") || toks[j].Is("temporary") || toks[j].Is("unlogged")) {
			j++
		}
		if j >= len(toks) || !toks[j].Is("table") {
			continue
		}
		j++
		if j+2 < len(toks) && toks[j].Is("if") && toks[j+1].Is("not") && toks[j+2].Is("exists") {
			j += 3
		}
		name := ""
		ident := func(k int) bool {
			return k < len(toks) && (toks[k].Kind == sqllex.Word || toks[k].Kind == sqllex.Quoted)
		}
		for ident(j) {
			name += toks[j].Text
			j++
			if j+1 < len(toks) && toks[j].IsPunct(".") && ident(j+1) {
				name += "."
				j++
				continue
			}
			break
		}
		if name != "" {
			out = append(out, name)
		}
		i = j - 1
	}
	return out
}

// readsDropped is the finding of an object created (again) whose SQL
// names a column the changes drop from a table it depends on, or nil:
// a view still selecting the column fails at apply (column does not
// exist), which nothing before a database would show. The name may
// also be another table's column, so it is advice, not a refusal.
func readsDropped(o *ir.Object, changes []schema.Change) *Finding {
	for mt, d := range droppedColumns(changes) {
		if !slices.Contains(o.DependsOn, ir.TableKey(mt.T.Name)) && !mentions(o.Create, mt.T.Name) || !mentions(o.Create, d.C.Name) {
			continue
		}
		return &Finding{Kind: Lint, Code: "CPC123", Pos: o.Pos,
			Message: fmt.Sprintf("the SQL of %s names %q, a column this migration drops from table %q: creating it fails at apply if it reads that column (column does not exist)", o.Title(), d.C.Name, mt.T.Name),
			Hint:    "change its SQL so that it no longer reads the column, or keep the column"}
	}
	return nil
}

// objectFindings returns the findings planObjects attached to changes.
func objectFindings(p *Planned) []Finding {
	var out []Finding
	for _, c := range p.Changes {
		if c.finding != nil {
			out = append(out, *c.finding)
		}
	}
	return out
}
