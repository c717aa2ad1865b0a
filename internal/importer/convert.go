package importer

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/find"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// Options say how Convert writes specs.
type Options struct {
	// Dir is the directory the spec files go to, relative to the project
	// root ("schema").
	Dir string
	// Split is "schema" (one file for the schema, the default) or
	// "table" (a file per table, and one for the rest).
	Split string
	// DetectBehaviours recognises timestamps, soft_delete and
	// optimistic_lock columns and switches the behaviours on.
	DetectBehaviours bool
	// Source names where the schema came from, for the files' header
	// line ("database app", "schema.sql"); never a URL with a password.
	Source string
	// Findings are those of the steps before Convert (ApplyDDL's), which
	// the report lists with Convert's own.
	Findings []Finding
}

// Finding is one line of the import report: what happened to an object
// import could not carry as a spec entry, or carried another way.
type Finding struct {
	// Kind and Name name the object ("table", "film"; "column",
	// "film.release_year").
	Kind, Name string
	// Action is what import did: "kept as sql_object", "not imported",
	// "changed", "detected".
	Action string
	// Why says what in it the spec cannot express, and what to do.
	Why string
}

// String is the finding as the report prints it, on one line of
// printable characters (see Printable).
func (f Finding) String() string {
	return Printable(fmt.Sprintf("%s %s: %s: %s", f.Kind, f.Name, f.Action, f.Why))
}

// Printable returns s with every character that is not printable written
// as its Go escape (\n, \x1b, \u202e): a database's names may hold line
// breaks and terminal control sequences, which a report printing them
// must not pass on to the terminal or to a CI log, which reads some lines
// as commands.
func Printable(s string) string {
	if strings.IndexFunc(s, notPrintable) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if notPrintable(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// notPrintable reports whether r is not a printable character (a letter,
// mark, number, punctuation, symbol or the ASCII space).
func notPrintable(r rune) bool { return !unicode.IsPrint(r) }

// The actions of findings.
const (
	Kept        = "kept as sql_object"
	NotImported = "not imported"
	Changed     = "changed"
	Detected    = "detected"
	// Skipped is a check import could not run, and why.
	Skipped = "skipped"
)

// File is one file import writes, relative to the project root.
type File struct {
	Path string
	Data []byte
}

// Result is what Convert made of a catalog.
type Result struct {
	Files    []File
	Findings []Finding
	// Tables and Objects count the spec tables and the sql_objects.
	Tables, Objects int
}

// plain reports whether s is a lower-case SQL name, which needs no
// quotes in SQL and names sql objects of every kind.
func plain(s string) bool { return len(s) <= names.MaxIdent && names.IsPlain(s) }

var specNameRE = regexp.MustCompile(names.IdentPattern)

// specName reports whether a spec can name a table, column, enum or
// index s (names.IdentPattern, at most names.MaxIdent bytes).
func specName(s string) bool { return len(s) <= names.MaxIdent && specNameRE.MatchString(s) }

// builtinTypeName reports whether name is a type specs know by that name
// (bit, date, money), which a spec enum cannot take.
func builtinTypeName(name string) bool {
	_, unsupported := pgtypes.Unsupported[name]
	return pgtypes.Lookup(name) != nil || unsupported
}

// Convert turns a catalog into spec files and a report. It is pure: the
// same catalog and options give the same bytes.
func Convert(cat *Catalog, opts Options) *Result {
	if opts.Dir == "" {
		opts.Dir = "schema"
	}
	c := &converter{cat: cat, opts: opts, res: &Result{Findings: slices.Clone(opts.Findings)}, specTables: map[string]*specTable{}, enums: map[string]bool{}, enumUsers: map[string]string{},
		domains: map[string]*CatDomain{}, collations: map[string]string{}, objNames: map[string]bool{}, unlogged: map[string]*object{}, ownedBy: map[string][]*object{}, keyObjects: map[string]string{}, fkObjects: map[string]string{}, serials: map[string]bool{}, seqDefaults: map[string][]*object{}, columnTypes: map[string]string{}}
	c.spellOddNames()
	c.run()
	return c.res
}

type converter struct {
	cat  *Catalog
	opts Options
	res  *Result

	// enums are the enums declared under enums:, by name; enumUsers the
	// domain or type that makes one an object created before the tables.
	enums     map[string]bool
	enumUsers map[string]string
	domains   map[string]*CatDomain
	// fixedTypes are the columns whose type PostgreSQL does not change
	// (fixedTypeColumns).
	fixedTypes map[*CatColumn]bool
	// collations are the sql objects of the schema's collations, by the
	// qualified name columns and domains give them (public.musicbrainz).
	collations map[string]string
	specTables map[string]*specTable
	tables     []*specTable // in name order
	objNames   map[string]bool
	// oddNames are the sql object names of the objects whose names a
	// spec cannot give (spellOddNames).
	oddNames map[string]string

	// precision6 counts the columns whose explicit precision (6), the
	// default, the spec leaves out; nullDefaults6 those of them whose
	// default is a NULL, which PostgreSQL keeps only for the cast to
	// precision 6 (NULL::timestamp without time zone) and which the
	// spec leaves out too.
	precision6, nullDefaults6 int

	// objects by phase, each in order.
	early, sqlTables, alters, later []*object

	// beforeTables are the functions generated columns, domains,
	// types, defaults, checks and indexes call, which are created before
	// the tables (before_tables: true), by name, with what calls them;
	// lateGenerated those generated columns, domains and types call that
	// cannot be, lateCalled those defaults, checks and indexes call, with
	// why (see earlyCalls). relations are the names a function created
	// before the tables must not use (relationNames).
	beforeTables map[string]string
	// lateTypes are the domains and types created after the tables:
	// over or with a row type of a table or view.
	lateTypes     map[string]bool
	lateGenerated map[string]string
	lateCalled    map[string]string
	relations     []string
	// unlogged are the objects setting spec tables UNLOGGED, by table;
	// ownedBy the objects making sequences owned by a table, by table.
	unlogged map[string]*object
	ownedBy  map[string][]*object
	// keyObjects are the objects making keys and unique indexes, by
	// "table.index"; fkKeys the objects making foreign keys with the key
	// each needs, by "table.index" too; fkObjects the objects making
	// foreign keys, by "table.constraint".
	keyObjects map[string]string
	fkKeys     []fkKey
	fkObjects  map[string]string
	// serials are the sequences of the spec tables' serial columns, which
	// the columns' serial: true makes (see serialColumn).
	serials map[string]bool
	// seqDefaults are the objects setting the defaults that take the
	// values of another column's serial sequence, by that sequence.
	seqDefaults map[string][]*object
	// columnTypes are the objects giving spec tables' columns their
	// domains, by table and column ("table\x00column").
	columnTypes map[string]string
}

// fkKey is an object making a foreign key, and the key ("table.index")
// of the referenced table it needs.
type fkKey struct {
	o   *object
	key string
}

// specTable is a table written under tables:.
type specTable struct {
	cat        *CatTable
	columns    []*specColumn
	pk         []string
	pkName     string // primary_key_name:, when not PostgreSQL's default
	indexes    []*specIndex
	checks     [][2]string // name, expr
	goName     string
	behaviours []string // "timestamps: true" …
	// partBy and partKey are a partitioned table's method (range, list,
	// hash) and key columns; parts its partitions as the spec declares
	// them: name and bound (FROM (…) TO (…), IN (…), WITH (…), DEFAULT).
	partBy  string
	partKey []string
	parts   [][2]string
}

type specColumn struct {
	cat        *CatColumn
	typ        string
	nullable   bool
	pk         bool
	identity   bool
	serial     bool
	unique     bool
	def        any // string literal, or sqlExpr
	check      string
	references string
	onDelete   string
	onUpdate   string
	// uniqueName and referencesName are the names of the column's
	// unique constraint and foreign key when they are not PostgreSQL's
	// defaults (unique_name:, references_name:).
	uniqueName     string
	referencesName string
	deferrable     string // deferrable: immediate or deferred
	goName         string
	generated      string // the expression of a generated column
	collation      string // collation:, "" for the type's default
}

type sqlExpr string  // a default written {sql: …}
type callExpr string // a default written as a plain function call

type specIndex struct {
	name   string
	parts  []any // string column, or indexPart
	unique bool
	// constraint is constraint: true, a unique constraint;
	// nullsNotDistinct nulls_not_distinct: true.
	constraint       bool
	nullsNotDistinct bool
	where            string
	method           string
}

type indexPart struct {
	column, expr string
	desc         bool
	nulls        string
}

// object is one sql_objects entry.
type object struct {
	name, kind, sql, drop string
	dependsOn             []string
	// beforeTables is before_tables: true.
	beforeTables bool
}

func (c *converter) find(kind, name, action, why string, args ...any) {
	c.res.Findings = append(c.res.Findings, Finding{Kind: kind, Name: name, Action: action, Why: fmt.Sprintf(why, args...)})
}

// objName returns a unique plain name for an sql object made of parts.
func (c *converter) objName(parts ...string) string {
	for i, p := range parts {
		parts[i] = fixName(p)
	}
	base := names.Constraint(parts...)
	name := base
	for i := 2; c.objNames[name]; i++ {
		name = names.Constraint(base, strconv.Itoa(i))
	}
	c.objNames[name] = true
	return name
}

// fixName lower-cases a name and replaces what is not a letter, digit or
// underscore.
func fixName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	return out
}

// invalidIndexes reports the invalid indexes (pg_index.indisvalid
// false), of constraints too: the project declares them like valid ones,
// and its migrations build them whole, so a database made by the
// migrations has them valid where the one read has not.
func (c *converter) invalidIndexes() {
	const why = "its index is invalid (pg_index.indisvalid false: a CREATE INDEX CONCURRENTLY that did not finish, or an index of a partitioned table made ON ONLY it that not every partition's index was attached to); it is imported as if valid, and the migrations build it valid%s: make it valid here (REINDEX it; on a partitioned table, attach an index of each partition that lacks one) or drop it, before marking the migrations applied"
	for _, t := range c.cat.Tables {
		on := ""
		if t.PartKey != "" {
			on = ", on every partition"
		}
		for _, k := range t.Constraints {
			if !k.Invalid {
				continue
			}
			kind := map[string]string{"p": "primary key", "u": "constraint", "x": "constraint"}[k.Type]
			c.find(kind, t.Name+"."+k.Name, Changed, why, on)
		}
		for _, x := range t.Indexes {
			if x.Invalid {
				c.find("index", t.Name+"."+x.Name, Changed, why, on)
			}
		}
	}
}

func (c *converter) add(phase *[]*object, o *object) {
	*phase = append(*phase, o)
}

func (c *converter) run() {
	cat := c.cat
	for _, o := range cat.Others {
		c.find("schema", o, NotImported, "cpcgen projects hold one schema; import it into a project of its own with --schema %s", o)
	}
	if cat.SchemaComment != "" {
		c.find("schema", cat.Schema, NotImported, "its comment (COMMENT ON SCHEMA %s IS %s): a project holds the schema's objects, not the schema, which deployment makes", quoteIdent(cat.Schema), names.QuoteLiteral(clipText(cat.SchemaComment)))
	}
	if cat.PublicCommentRemoved {
		c.find("schema", cat.Schema, NotImported, "its comment, the one PostgreSQL gives it, was removed (COMMENT ON SCHEMA public IS ''): a project holds the schema's objects, not the schema, which deployment makes")
	}
	// Enums go under enums:, which are created after the objects created
	// before the tables: those a domain or type of the schema uses are
	// such objects too.
	early := map[string]string{}
	for _, d := range cat.Domains {
		for _, u := range d.Uses {
			early[u] = "domain " + d.Name
		}
	}
	for _, t := range cat.Types {
		for _, u := range t.Uses {
			early[u] = "type " + t.Name
		}
	}
	for _, e := range cat.Enums {
		c.enums[e.Name] = specName(e.Name) && !builtinTypeName(e.Name) && early[e.Name] == "" && len(e.Labels) > 0
		c.enumUsers[e.Name] = early[e.Name]
	}
	for i := range cat.Domains {
		c.domains[cat.Domains[i].Name] = &cat.Domains[i]
	}
	c.fixedTypes = fixedTypeColumns(cat.Tables)
	// Names sql objects must not take: tables, enums, views, sequences …
	for _, t := range cat.Tables {
		c.objNames[t.Name] = true
	}
	for _, e := range cat.Enums {
		c.objNames[e.Name] = true
	}
	for _, u := range cat.Unsupported {
		c.find(u.Kind, u.Name, NotImported, "import does not carry objects of kind %s; add it by hand as an sql_objects entry of kind other (with drop:)", u.Kind)
	}
	c.invalidIndexes()
	c.earlyFunctions()
	c.earlyObjects()
	var partitions []*CatTable
	for _, t := range cat.Tables {
		if strings.HasPrefix(t.Name, "cpcgen_") {
			c.find("table", t.Name, NotImported, "cpcgen's own table (the migration runner's revisions, the audit log): what owns it creates it")
			continue
		}
		if t.Parent != "" && t.Kind == "r" {
			partitions = append(partitions, t) // once the parents are known
			continue
		}
		if why := c.tableProblem(t); why != "" {
			c.sqlTable(t, why)
			continue
		}
		st := &specTable{cat: t}
		c.specTables[t.Name] = st
		c.tables = append(c.tables, st)
	}
	for _, t := range partitions {
		parent := c.specTables[localParent(t)]
		switch why := c.partitionProblem(t, parent); {
		case why != "":
			c.sqlTable(t, why)
		default:
			parent.parts = append(parent.parts, [2]string{t.Name, strings.TrimPrefix(t.Bound, "FOR VALUES ")})
			for _, x := range t.Indexes {
				c.partitionIndexObject(t, x)
			}
		}
	}
	for _, st := range c.tables {
		c.buildTable(st)
	}
	c.orderUnlogged()
	if c.precision6 > 0 {
		nulls := ""
		if c.nullDefaults6 > 0 {
			nulls = fmt.Sprintf("; %d of them with DEFAULT NULL::…, which PostgreSQL keeps only for the cast to precision 6 and which is no default without it: the spec declares none", c.nullDefaults6)
		}
		columns := "columns"
		if c.precision6 == 1 {
			columns = "column"
		}
		c.find("type", "precision (6)", Changed, "%d %s of type timestamp(6), time(6) or interval(6) declared without (6): 6 is the default precision, so they hold the same values, and migrations create them without the modifier%s", c.precision6, columns, nulls)
	}
	c.goNames()
	c.laterObjects()
	for _, fk := range c.fkKeys {
		if name := c.keyObjects[fk.key]; name != "" {
			fk.o.dependsOn = appendUnique(fk.o.dependsOn, name)
		}
	}
	c.clusterOn()
	c.replicaIdentities()
	c.partIndexNames()
	c.identitySequenceNames()
	c.privileges()
	c.write()
}

// clusterOn keeps the index each table is clustered on (ALTER TABLE …
// CLUSTER ON), which specs do not declare, as an sql object after the
// table and the index.
func (c *converter) clusterOn() {
	for _, t := range c.cat.Tables {
		if t.ClusterOn == "" || strings.HasPrefix(t.Name, "cpcgen_") {
			continue
		}
		if c.specTables[t.Name] == nil && c.sqlTableObject(t.Name) == nil {
			c.find("table", t.Name, NotImported, "it is clustered on index %s (CLUSTER), which a partition declared in its parent's partitions: list cannot carry; run ALTER TABLE %s CLUSTER ON %s where it is wanted", t.ClusterOn, quoteIdent(t.Name), quoteIdent(t.ClusterOn))
			continue
		}
		q := quoteIdent(t.Name)
		c.add(&c.later, &object{name: c.objName(t.Name, "cluster"), kind: "other",
			sql: fmt.Sprintf("ALTER TABLE %s CLUSTER ON %s", q, quoteIdent(t.ClusterOn)), drop: fmt.Sprintf("ALTER TABLE %s SET WITHOUT CLUSTER", q),
			dependsOn: c.indexDeps(t, t.ClusterOn)})
		c.find("table", t.Name, Kept, "it is clustered on index %s (CLUSTER), which specs do not declare: an sql object marks the index; migrations do not run CLUSTER", t.ClusterOn)
	}
}

// replicaIdentities keeps each table's REPLICA IDENTITY other than
// DEFAULT (FULL, NOTHING, USING INDEX), which specs do not declare, as an
// sql object after the table and the index it names.
func (c *converter) replicaIdentities() {
	for _, t := range c.cat.Tables {
		if t.ReplicaIdentity == "" || strings.HasPrefix(t.Name, "cpcgen_") || c.specTables[t.Name] == nil && c.sqlTableObject(t.Name) == nil {
			continue // a declared partition has none (partitionProblem)
		}
		identity, deps := t.ReplicaIdentity, []string{c.objNameOf(t.Name)}
		if identity == "INDEX" {
			identity, deps = "USING INDEX "+quoteIdent(t.ReplicaIndex), c.indexDeps(t, t.ReplicaIndex)
		}
		q := quoteIdent(t.Name)
		c.add(&c.later, &object{name: c.objName(t.Name, "replica_identity"), kind: "other",
			sql: "ALTER TABLE " + q + " REPLICA IDENTITY " + identity, drop: "ALTER TABLE " + q + " REPLICA IDENTITY DEFAULT", dependsOn: deps})
		c.find("table", t.Name, Kept, "its REPLICA IDENTITY %s, which specs do not declare: an sql object sets it", identity)
	}
}

// indexDeps are the dependencies of an sql object that names index idx
// of table t: the table, and the object making the index when one does.
func (c *converter) indexDeps(t *CatTable, idx string) []string {
	deps := []string{c.objNameOf(t.Name)}
	if name := c.keyObjects[t.Name+"."+idx]; name != "" {
		deps = append(deps, name)
	}
	return deps
}

// sqlTableObject returns the sql object of a table kept as SQL, or nil.
func (c *converter) sqlTableObject(name string) *object {
	return find.First(c.sqlTables, func(o *object) bool { return o.name == c.objNameOf(name) })
}

// privileges notes, once for each kind of object, the privileges GRANT
// and REVOKE changed, which import does not carry, and once the default
// privileges of the schema (Supabase's ALTER DEFAULT PRIVILEGES IN
// SCHEMA public GRANT ALL ON TABLES TO anon), which no note named.
func (c *converter) privileges() {
	var kinds []string
	byKind := map[string][]string{}
	for _, p := range c.cat.Privileges {
		if byKind[p.Kind] == nil {
			kinds = append(kinds, p.Kind)
		}
		byKind[p.Kind] = append(byKind[p.Kind], p.Name)
	}
	for _, k := range kinds {
		objs := byKind[k]
		if k == "default privileges" {
			c.find(k, "in schema "+c.cat.Schema, NotImported, "ALTER DEFAULT PRIVILEGES IN SCHEMA sets the privileges of the %s created there, which specs and migrations do not carry: privileges belong to deployment, which sets them for the roles it makes", strings.Join(objs, ", "))
			continue
		}
		name, what := "on "+k+"s", fmt.Sprintf("%d %ss (%s)", len(objs), k, clipText(strings.Join(objs, ", ")))
		if len(objs) == 1 {
			name, what = "on "+k+" "+objs[0], k+" "+objs[0]
		}
		c.find("privileges", name, NotImported, "GRANT and REVOKE changed the privileges on %s, which specs and migrations do not carry: privileges belong to deployment, which grants them to the roles it makes", what)
	}
}

// tableProblem says why a table cannot be a spec table, or "".
func (c *converter) tableProblem(t *CatTable) string {
	switch {
	case !specName(t.Name):
		return "its name is not a plain SQL name (letters, digits and underscores, not starting with a digit)"
	case t.Kind == "p" && !partKeyRE.MatchString(t.PartKey):
		return "it is partitioned by " + t.PartKey + ", a key specs do not declare (they name columns only)"
	case t.Parent != "":
		return "it is a partition of " + qualifiedRel(t.ParentSchema, t.Parent) + " and partitioned itself, which specs do not declare"
	case len(t.Inherits) > 0:
		return "it inherits from " + strings.Join(inheritsRefs(t), ", ")
	case t.OfType != "":
		return "it is a typed table (OF " + t.OfType + "), which specs do not declare"
	case t.AccessMethod != "":
		return "it uses table access method " + t.AccessMethod + ", which specs do not declare"
	case len(t.Columns) == 0:
		return "it has no columns, which a spec table must have"
	}
	for _, col := range t.Columns {
		if !specName(col.Name) {
			return fmt.Sprintf("column %q has a name that is not a plain SQL name (letters, digits and underscores, not starting with a digit)", col.Name)
		}
		if r := c.rowTypeOf(col); r != "" {
			return fmt.Sprintf("column %q has the row type of %s, which must be created first, and spec tables are created in no such order", col.Name, r)
		}
		typ, why := c.columnType(col)
		if _, why := c.columnCollation(col, typ); why != "" {
			return fmt.Sprintf("column %q has collation %s, %s", col.Name, col.Collation, why)
		}
		if why != "" {
			return fmt.Sprintf("column %q %s", col.Name, why)
		}
		if _, ok := sqlNamed(typ); ok && inPrimaryKey(t, col) {
			return fmt.Sprintf("its primary key column %q has type %s, which cpcgen does not model, so cannot key rows by", col.Name, col.Type)
		}
		if col.Generated == "s" {
			for _, fn := range col.DefaultUses {
				if why := c.lateGenerated[fn]; why != "" {
					return fmt.Sprintf("its generated column %q calls function %s, which %s, so cannot be created before the tables", col.Name, fn, why)
				}
			}
		}
	}
	return ""
}

// rowTypeOf is the table or view of the schema whose row type column
// col has (or an array of it), as the omnibus sample's i_10 (i i_9): ""
// for another type.
func (c *converter) rowTypeOf(col *CatColumn) string {
	typ := strings.TrimRight(col.Type, "[]")
	typ = strings.TrimPrefix(typ, quoteIdent(c.cat.Schema)+".")
	if rels := c.relationsOf([]string{strings.Trim(typ, `"`)}); len(rels) > 0 {
		return rels[0]
	}
	return ""
}

// orderUnlogged orders the objects that set spec tables UNLOGGED: a
// table referenced by a logged table cannot be made unlogged, so each
// table goes after the unlogged tables whose foreign keys reference it
// (Coder's tailnet_peers before tailnet_coordinators). Set LOGGED again,
// they go in the reverse order, which PostgreSQL needs too. Tables
// referencing each other in a cycle cannot be ordered: one object sets
// them all (unloggedCycles).
func (c *converter) orderUnlogged() {
	c.unloggedCycles()
	byName := map[string]*object{}
	for _, o := range c.unlogged {
		byName[o.name] = o
	}
	for _, t := range c.cat.Tables {
		from := c.unlogged[t.Name]
		if from == nil {
			continue
		}
		// A sequence owned by the table when it is made unlogged becomes
		// unlogged too; the database's kept its own (pg_dump creates the
		// sequence apart and owns it after), so it is owned after.
		for _, o := range c.ownedBy[t.Name] {
			o.dependsOn = appendUnique(o.dependsOn, from.name)
		}
		for _, k := range t.Constraints {
			to := c.unlogged[k.RefTable]
			if k.Type != "f" || to == nil || to == from || k.RefSchema != "" && k.RefSchema != c.cat.Schema || reaches(byName, from, to.name) {
				continue
			}
			to.dependsOn = appendUnique(to.dependsOn, from.name)
		}
	}
}

// unloggedFKs returns the foreign keys of t that reference another
// unlogged table of the schema.
func (c *converter) unloggedFKs(t *CatTable) []*CatConstraint {
	var fks []*CatConstraint
	for _, k := range t.Constraints {
		if k.Type == "f" && k.RefTable != t.Name && (k.RefSchema == "" || k.RefSchema == c.cat.Schema) && c.unlogged[k.RefTable] != nil {
			fks = append(fks, k)
		}
	}
	return fks
}

// unloggedCycles gives the unlogged tables whose foreign keys make a
// cycle (Synapse's worker_read_write_locks and its _mode table, each
// referencing the other) one object: PostgreSQL refuses to make a table
// unlogged while a logged table references it, so no order of one
// object per table works. The object drops the foreign keys between
// them, sets every one unlogged, and adds the keys again, as Synapse's
// own migration does; it comes after the objects that add those keys,
// when they are objects. Its drop does the same with SET LOGGED.
func (c *converter) unloggedCycles() {
	var tables []*CatTable
	for _, t := range c.cat.Tables {
		if c.unlogged[t.Name] != nil {
			tables = append(tables, t)
		}
	}
	for _, group := range cycles(tables, c.unloggedFKs) {
		var fks []string
		keep := c.unlogged[group[0].Name]
		var set, unset, drops, adds []string
		deps := []string{}
		for _, t := range group {
			tq := quoteIdent(t.Name)
			set = append(set, fmt.Sprintf("ALTER TABLE %s SET UNLOGGED", tq))
			unset = append(unset, fmt.Sprintf("ALTER TABLE %s SET LOGGED", tq))
			deps = appendUnique(deps, t.Name)
			for _, k := range c.unloggedFKs(t) {
				if !slices.ContainsFunc(group, func(g *CatTable) bool { return g.Name == k.RefTable }) {
					continue
				}
				fks = append(fks, t.Name+"."+k.Name)
				drops = append(drops, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", tq, quoteIdent(k.Name)))
				adds = append(adds, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", tq, quoteIdent(k.Name), k.Def))
				if name := c.fkObjects[t.Name+"."+k.Name]; name != "" {
					deps = appendUnique(deps, name)
				}
			}
			if o := c.unlogged[t.Name]; o != keep {
				c.alters = slices.DeleteFunc(c.alters, func(x *object) bool { return x == o })
				c.unlogged[t.Name] = keep
			}
		}
		dance := func(alter []string) string {
			return strings.Join(slices.Concat(drops, alter, adds), ";\n")
		}
		keep.sql, keep.drop, keep.dependsOn = dance(set), dance(unset), deps
		c.find("table", group[0].Name, Kept, "it and %s reference each other and are UNLOGGED: one sql object drops their foreign keys (%s), sets them unlogged and adds the keys again",
			tableList(group[1:]), strings.Join(fks, ", "))
	}
}

// tableList names tables in prose: a, b and c.
func tableList(ts []*CatTable) string {
	list := make([]string, len(ts))
	for i, t := range ts {
		list[i] = t.Name
	}
	return names.JoinAnd(list)
}

// cycles returns the strongly connected components of more than one
// table of the graph of nodes whose edges are the foreign keys edges
// gives (a key to a table not in nodes is no edge): each component in
// the order of nodes, the components in the order of their first table.
func cycles(nodes []*CatTable, edges func(*CatTable) []*CatConstraint) [][]*CatTable {
	// Tarjan's algorithm.
	byName := map[string]*CatTable{}
	for _, t := range nodes {
		byName[t.Name] = t
	}
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	inCycle := map[string]int{} // the component of each table in one, from 1
	var visit func(name string)
	visit = func(name string) {
		index[name], low[name] = len(index), len(index)
		stack = append(stack, name)
		onStack[name] = true
		for _, k := range edges(byName[name]) {
			next := k.RefTable
			if byName[next] == nil {
				continue
			}
			if _, seen := index[next]; !seen {
				visit(next)
				low[name] = min(low[name], low[next])
			} else if onStack[next] {
				low[name] = min(low[name], index[next])
			}
		}
		if low[name] == index[name] {
			var comp []string
			for {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[top] = false
				comp = append(comp, top)
				if top == name {
					break
				}
			}
			if len(comp) > 1 {
				id := len(inCycle) + 1
				for _, n := range comp {
					inCycle[n] = id
				}
			}
		}
	}
	for _, t := range nodes {
		if _, seen := index[t.Name]; !seen {
			visit(t.Name)
		}
	}
	var groups [][]*CatTable
	group := map[int]int{} // component → its index in groups
	for _, t := range nodes {
		id := inCycle[t.Name]
		if id == 0 {
			continue
		}
		g, ok := group[id]
		if !ok {
			g = len(groups)
			group[id] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], t)
	}
	return groups
}

// reaches reports whether object o depends, directly or through other
// objects of byName (by name), on the object named name.
func reaches(byName map[string]*object, o *object, name string) bool {
	seen := map[string]bool{}
	var walk func(*object) bool
	walk = func(o *object) bool {
		for _, d := range o.dependsOn {
			if d == name {
				return true
			}
			if x := byName[d]; x != nil && !seen[d] {
				seen[d] = true
				if walk(x) {
					return true
				}
			}
		}
		return false
	}
	return walk(o)
}

// earlyFunctions decides which functions of the schema the generated
// columns, the domains (their checks) and the composite and range types
// call are created before the tables (a generated column's expression
// is checked when its table is created, and cannot be added afterwards;
// domains and types are created before the tables): those whose
// arguments and result name no table, view or enum, and, for LANGUAGE
// sql ones, whose body (checked when created) reads none and calls only
// functions that can be too. A generated column calling another keeps
// its table as SQL, created after the function; a domain or type calling
// another is noted. The functions column defaults, checks and indexes
// call are decided with their tables (earlyCalls).
func (c *converter) earlyFunctions() {
	c.beforeTables, c.lateGenerated, c.lateCalled = map[string]string{}, map[string]string{}, map[string]string{}
	c.lateTypes = map[string]bool{}
	c.relations = c.relationNames()
	decide := func(fn, by string) string {
		if c.beforeTables[fn] != "" {
			return ""
		}
		if why := c.lateGenerated[fn]; why != "" {
			return why
		}
		why := c.earlyProblem(fn, false, map[string]bool{})
		if why != "" {
			c.lateGenerated[fn] = why
		} else {
			c.markBeforeTables(fn, by)
		}
		return why
	}
	for _, t := range c.cat.Tables {
		for _, col := range t.Columns {
			if col.Generated != "s" {
				continue
			}
			for _, fn := range col.DefaultUses {
				decide(fn, "a generated column calls it")
			}
		}
	}
	typeFunctions := func(kind, name string, uses []string) {
		for _, fn := range uses {
			if c.catFunction(fn) == nil || c.earlyType(fn) {
				continue
			}
			if why := decide(fn, kind+" "+name+" calls it"); why != "" {
				c.find(kind, name, Kept, "it calls function %s, which %s, so cannot be created before the tables as the %s is: migrations stop at the %s until it is changed by hand (the call taken out, or the %s made an sql object of kind other after the function)", fn, why, kind, kind, kind)
			}
		}
	}
	for _, d := range c.cat.Domains {
		typeFunctions("domain", d.Name, d.Uses)
	}
	for _, t := range c.cat.Types {
		typeFunctions("type", t.Name, t.Uses)
	}
}

// earlyType reports whether name is a domain, composite or range type,
// or an enum a spec cannot declare: the types sql objects create before
// the tables.
func (c *converter) earlyType(name string) bool {
	if c.domains[name] != nil {
		return true
	}
	for _, t := range c.cat.Types {
		if t.Name == name {
			return true
		}
	}
	for _, e := range c.cat.Enums {
		if e.Name == name {
			return !c.enums[e.Name]
		}
	}
	return false
}

// earlyTypeNames are the domains, composite and range types and enums
// that sql objects create before the tables (earlyType), without those
// created after them (lateTypes).
func (c *converter) earlyTypeNames() []string {
	var out []string
	add := func(name string) {
		if c.earlyType(name) && !c.lateTypes[name] {
			out = append(out, name)
		}
	}
	for _, d := range c.cat.Domains {
		add(d.Name)
	}
	for _, t := range c.cat.Types {
		add(t.Name)
	}
	for _, e := range c.cat.Enums {
		add(e.Name)
	}
	return out
}

// earlyDeps are the objects a domain or type naming uses depends on: the
// types and the functions of uses created before the tables.
func (c *converter) earlyDeps(uses []string) []string {
	var deps []string
	for _, u := range uses {
		if c.earlyType(u) || c.beforeTables[u] != "" {
			deps = appendUnique(deps, c.objNameOf(u))
		}
	}
	return deps
}

// earlyProblem says why function name cannot be created before the
// tables, where it must not name any of c.relations, with or without the
// schema (timetable.active_session, as an import of schema timetable
// keeps it), or "": seen guards
// against functions calling each other. What PostgreSQL resolves when it
// creates the function must name none (checkedAtCreate); with body, its
// whole definition, whatever its language.
func (c *converter) earlyProblem(name string, body bool, seen map[string]bool) string {
	if seen[name] {
		return ""
	}
	seen[name] = true
	f := c.catFunction(name)
	if f == nil {
		return "is not in the schema"
	}
	if f.Kind == "a" {
		return "is an aggregate"
	}
	for _, def := range f.Defs {
		text, _ := checkedAtCreate(def)
		if body {
			text = def
		}
		text = ownUnqualified(withoutOptions(text), c.cat.Schema)
		for _, rel := range c.relations {
			if mentions(text, rel) {
				return "names " + rel
			}
		}
	}
	for _, g := range c.sqlCallees(f) {
		if why := c.earlyProblem(g, body, seen); why != "" {
			return "calls " + g + ", which " + why
		}
	}
	return ""
}

// sqlCallees are the other functions of the schema that the bodies of f
// call, when f is LANGUAGE sql (PostgreSQL resolves them when it creates
// f); none for another language.
func (c *converter) sqlCallees(f *CatFunction) []string {
	var out []string
	for _, def := range f.Defs {
		text, sqlBody := checkedAtCreate(def)
		if !sqlBody {
			continue
		}
		for i := range c.cat.Functions {
			if g := &c.cat.Functions[i]; g.Name != f.Name && callsFunction(text, g) {
				out = appendUnique(out, g.Name)
			}
		}
	}
	return out
}

// checkedAtCreate returns the part of a function's definition
// (pg_get_functiondef) that PostgreSQL resolves when it creates the
// function: the arguments and result, and for LANGUAGE sql (sqlBody)
// the body too, whether quoted (AS $function$…) or standard (RETURN …,
// BEGIN ATOMIC).
func checkedAtCreate(def string) (text string, sqlBody bool) {
	head, _, _ := strings.Cut(def, "\nAS ")
	if strings.Contains(strings.ToLower(head), "language sql") {
		return def, true
	}
	return head, false
}

// functionOption matches a line of the options pg_get_functiondef
// prints between a function's result and its body (LANGUAGE sql,
// IMMUTABLE, SECURITY DEFINER, PARALLEL SAFE, COST 100, SET …): key
// words, which name no relation even where one is called so (Lemmy's
// table language).
var functionOption = regexp.MustCompile(`(?m)^ (LANGUAGE|IMMUTABLE|STABLE|VOLATILE|STRICT|CALLED|RETURNS NULL|SECURITY|EXTERNAL|PARALLEL|LEAKPROOF|NOT LEAKPROOF|COST|ROWS|SUPPORT|SET|WINDOW|TRANSFORM)\b.*$`)

// withoutOptions is a function's definition without the lines of its
// options, before its body.
func withoutOptions(def string) string {
	head, body, found := strings.Cut(def, "\nAS ")
	head = functionOption.ReplaceAllString(head, "")
	if !found {
		return head
	}
	return head + "\nAS " + body
}

// catFunction returns the function of the schema with the given name,
// or nil.
func (c *converter) catFunction(name string) *CatFunction {
	for i := range c.cat.Functions {
		if c.cat.Functions[i].Name == name {
			return &c.cat.Functions[i]
		}
	}
	return nil
}

// relationNames are the names of the schema's tables, views and enums,
// which exist only after the objects created before the tables.
func (c *converter) relationNames() []string {
	var out []string
	for _, t := range c.cat.Tables {
		out = append(out, t.Name)
	}
	for _, v := range c.cat.Views {
		out = append(out, v.Name)
	}
	for _, e := range c.cat.Enums {
		if c.enums[e.Name] {
			out = append(out, e.Name)
		}
	}
	return out
}

// relationsOf returns the tables and views of the schema among names (a
// domain's or a type's Uses, which hold the types it names: a row type
// is named like its table).
func (c *converter) relationsOf(names []string) []string {
	var out []string
	for _, n := range names {
		if slices.ContainsFunc(c.cat.Tables, func(t *CatTable) bool { return t.Name == n }) ||
			slices.ContainsFunc(c.cat.Views, func(v CatView) bool { return v.Name == n }) {
			out = append(out, n)
		}
	}
	return out
}

// markBeforeTables marks function name, and the functions a LANGUAGE sql
// body of it calls, to be created before the tables, by saying what
// calls them ("a generated column calls it").
func (c *converter) markBeforeTables(name, by string) {
	if c.beforeTables[name] != "" {
		return
	}
	c.beforeTables[name] = by
	for _, g := range c.sqlCallees(c.catFunction(name)) {
		c.markBeforeTables(g, by)
	}
}

// earlyCalls decides whether a default, check or index that calls the
// functions uses of the schema is declared by the spec, and says why
// not, or "". It is when every function it calls can be created before
// the tables, which marks them so (by says what calls them): the table
// is created with it (a default then also lets an unset runtime.Opt in
// the insert struct take it). A function naming a table, view or enum
// anywhere in its definition cannot: PostgreSQL resolves some of a
// body's names when it creates the function (a LANGUAGE sql body, a
// plpgsql variable of a table's row type), and import reads no further.
func (c *converter) earlyCalls(uses []string, by string) string {
	for _, fn := range uses {
		if c.beforeTables[fn] != "" {
			continue
		}
		why := c.lateGenerated[fn]
		if why == "" {
			why = c.lateCalled[fn]
		}
		if why == "" {
			why = c.earlyProblem(fn, true, map[string]bool{})
		}
		if why != "" {
			c.lateCalled[fn] = why
			return fmt.Sprintf("function %s, which %s", fn, why)
		}
	}
	for _, fn := range uses {
		c.markBeforeTables(fn, by)
	}
	return ""
}

// sqlNamedColumn returns the first of cols whose type is named by its
// SQL, or nil (nil entries, an index's expressions, are skipped).
func sqlNamedColumn(cols []*specColumn) *specColumn {
	return find.First(cols, func(sc *specColumn) bool {
		if sc == nil {
			return false
		}
		_, ok := sqlNamed(sc.typ)
		return ok
	})
}

// columnCollation returns the collation: of a column with one other
// than its type's default, or why a spec cannot declare it ("" and ""
// for a column without one). The catalog names it schema-qualified
// (public.musicbrainz, pg_catalog."C"); a spec names a collation of the
// schema or pg_catalog bare, on a text column. typ is the column's spec
// type (columnType's), "" when it has none.
func (c *converter) columnCollation(col *CatColumn, typ string) (string, string) {
	if col.Collation == "" {
		return "", ""
	}
	schemaName, name, ok := splitQualified(col.Collation)
	switch {
	case !ok || schemaName != c.cat.Schema && schemaName != "pg_catalog":
		return "", "a collation of another schema, which specs do not name"
	case !names.CollationName(name):
		return "", "whose name specs do not take (letters, digits, _, -, @, = and dots)"
	}
	base, _ := splitType(strings.TrimRight(typ, "[]"))
	if t := pgtypes.Lookup(base); typ != "" && (t == nil || !t.Text) {
		return "", "on a column of type " + typ + ", where specs take collation: on text columns only"
	}
	return name, ""
}

// splitQualified splits a name quote_ident wrote qualified, schema.name,
// into its unquoted parts.
func splitQualified(q string) (schemaName, name string, ok bool) {
	ident := func(s string) (string, string, bool) {
		if !strings.HasPrefix(s, `"`) {
			i := strings.IndexByte(s, '.')
			if i < 0 {
				return s, "", true
			}
			return s[:i], s[i:], true
		}
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				return b.String(), s[i+1:], true
			}
			b.WriteByte(s[i])
		}
		return "", "", false
	}
	schemaName, rest, ok := ident(q)
	if !ok || !strings.HasPrefix(rest, ".") {
		return "", "", false
	}
	name, rest, ok = ident(rest[1:])
	return schemaName, name, ok && rest == ""
}

// inPrimaryKey reports whether col is a column of t's primary key.
func inPrimaryKey(t *CatTable, col *CatColumn) bool {
	for _, k := range t.Constraints {
		if k.Type == "p" && slices.Contains(k.Columns, col.Num) {
			return true
		}
	}
	return false
}

// partKeyRE matches a partition key of plain columns, as
// pg_get_partkeydef prints it: RANGE (created_at), LIST (a, b).
// A reserved word is quoted: RANGE ("timestamp").
var partKeyRE = regexp.MustCompile(`^(RANGE|LIST|HASH) \(((?:[a-z_][a-z0-9_$]*|"[a-z_][a-z0-9_$]*")(?:, (?:[a-z_][a-z0-9_$]*|"[a-z_][a-z0-9_$]*"))*)\)$`)

// localParent is the name of partition t's parent when it is a table
// of the imported schema; "" when t is no partition or a partition of
// another schema's table, which import does not read (a table of the
// same name in the imported schema is another).
func localParent(t *CatTable) string {
	if t.ParentSchema != "" {
		return ""
	}
	return t.Parent
}

// qualifiedRel is the SQL name of relation name of schema, unqualified
// when schema is "" (the imported schema).
func qualifiedRel(schema, name string) string {
	if schema == "" {
		return quoteIdent(name)
	}
	return quoteIdent(schema) + "." + quoteIdent(name)
}

// inheritsRefs are the SQL names of the tables t inherits (INHERITS),
// those of another schema qualified.
func inheritsRefs(t *CatTable) []string {
	var refs []string
	for i, p := range t.Inherits {
		refs = append(refs, qualifiedRel(t.InheritsSchemas[i], p))
	}
	return refs
}

// keptArrayCast matches an array cast to its own type before another
// (ARRAY['a'::character varying]::character varying[]::text[]), as
// keepArrayCoercion writes an array coerced as a whole.
var keptArrayCast = regexp.MustCompile(`\]::[^:()]+\[\]::`)

// partitionProblem says why a partition cannot be declared under its
// parent's partition:, or "": the parent is a spec table and the
// partition has nothing of its own (indexes, constraints, comments,
// storage options, defaults) that the parent does not give it.
func (c *converter) partitionProblem(t *CatTable, parent *specTable) string {
	switch {
	case t.ParentSchema != "":
		return fmt.Sprintf("it is a partition of %s, a table of schema %s, which import does not read; that schema must exist where the migrations run (for cpcgen's temporary databases: migrations.external)", qualifiedRel(t.ParentSchema, t.Parent), t.ParentSchema)
	case parent == nil:
		return "it is a partition of " + t.Parent + ", which is kept as SQL"
	case !specName(t.Name):
		return "its name is not a plain SQL name (letters, digits and underscores, not starting with a digit)"
	case c.partitionReordered(t):
		return "its columns are in another order than its parent's (it was made as a table and attached), which a declared partition, made with PARTITION OF, cannot carry"
	case len(t.Constraints) > 0:
		return "it has constraints of its own, which a declared partition cannot carry"
	case t.Comment != "" || len(t.Options) > 0 || t.Unlogged || t.RLS || t.ForceRLS || t.ReplicaIdentity != "":
		return "it has a comment, storage options, UNLOGGED, row-level security or a replica identity of its own, which a declared partition cannot carry"
	}
	for _, col := range t.Columns {
		if set, _ := columnSettings(t, col); set != "" {
			return fmt.Sprintf("its column %q has a statistics target, options, storage or compression of its own, which a declared partition cannot carry", col.Name)
		}
		pc := parentColumn(parent.cat, col.Name)
		if col.Comment != "" || pc == nil || col.Default != pc.Default && col.Identity == "" && col.Generated == "" {
			return fmt.Sprintf("its column %q has a default or comment of its own, which a declared partition cannot carry", col.Name)
		}
		if col.NotNull && !pc.NotNull {
			return fmt.Sprintf("its column %q is NOT NULL while its parent's is not, which a declared partition cannot carry", col.Name)
		}
		if col.Identity != "" {
			return fmt.Sprintf("its column %q is an identity column of its own, which a declared partition cannot carry", col.Name)
		}
		if col.Generated != pc.Generated {
			return fmt.Sprintf("its column %q is generated where its parent's is not (it was made as a table and attached), which a declared partition, made with PARTITION OF, cannot carry", col.Name)
		}
	}
	return ""
}

// partIndexNames keeps the names of the indexes of partitions attached
// to their parents' indexes. Migrations create a partition's index as
// PostgreSQL does for the parent's index, under the name it chooses
// (names.PartitionIndexName), in the order migrations make the parent's indexes
// (partIndexOrder); an index named otherwise (made on the partition
// first, then attached: index_versions_event_1bf0c9a) is renamed by an
// sql object after the partition and the parent's index. Where a name
// to give is one PostgreSQL gave another of the partition's indexes
// (the parent's indexes were made in another order, and their names,
// cut to 63 bytes, are alike), one sql object renames them all, in an
// order that frees each name first (renameOrder).
func (c *converter) partIndexNames() {
	taken := c.relationsNamed()
	for _, t := range c.cat.Tables {
		var renames [][2]string // from the name PostgreSQL gives, to the name
		var deps [][]string     // of each rename
		for _, x := range c.partIndexOrder(t) {
			made := names.PartitionIndexName(t.Name, x.Constraint, x.Columns, taken)
			taken[made] = true
			if made == x.Name {
				continue
			}
			d := []string{c.madeBy(t)}
			if name := c.keyObjects[localParent(t)+"."+x.Parent]; name != "" {
				d = append(d, name)
			}
			renames, deps = append(renames, [2]string{made, x.Name}), append(deps, d)
			c.find("index", t.Name+"."+x.Name, Kept, "it is attached to index %s of %s: migrations make it from that index, under the name PostgreSQL gives it (%s), and an sql object renames it", x.Parent, t.Parent, made)
		}
		chained := slices.ContainsFunc(renames, func(r [2]string) bool {
			return slices.ContainsFunc(renames, func(o [2]string) bool { return o[0] == r[1] })
		})
		if !chained {
			for i, r := range renames {
				c.add(&c.later, &object{name: c.objName(r[1], "name"), kind: "other",
					sql:       fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quoteIdent(r[0]), quoteIdent(r[1])),
					drop:      fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quoteIdent(r[1]), quoteIdent(r[0])),
					dependsOn: deps[i]})
			}
			continue
		}
		var all []string
		back := make([][2]string, len(renames))
		for i, r := range renames {
			back[i] = [2]string{r[1], r[0]}
			for _, d := range deps[i] {
				all = appendUnique(all, d)
			}
		}
		c.add(&c.later, &object{name: c.objName(t.Name, "index_names"), kind: "other",
			sql: renameOrder(renames, taken), drop: renameOrder(back, taken), dependsOn: all})
	}
}

// partIndexOrder is the order in which migrations make the indexes of
// partition t, which is the order they make its parent's: the indexes of
// the parent's keys (CREATE TABLE), then the indexes the spec declares,
// then those sql objects make; each by name.
func (c *converter) partIndexOrder(t *CatTable) []*CatPartIndex {
	var parent *CatTable
	for _, p := range c.cat.Tables {
		if p.Name == localParent(t) {
			parent = p
		}
	}
	rank := func(x *CatPartIndex) int {
		switch {
		case c.keyObjects[localParent(t)+"."+x.Parent] != "":
			return 2
		case parent != nil && slices.ContainsFunc(parent.Constraints, func(k *CatConstraint) bool {
			return k.Name == x.Parent && (k.Type == "p" || k.Type == "u" || k.Type == "x")
		}):
			return 0
		}
		return 1
	}
	xs := slices.Clone(t.PartIndexes)
	slices.SortStableFunc(xs, func(a, b *CatPartIndex) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a.Parent, b.Parent))
	})
	return xs
}

// renameOrder is the ALTER INDEX statements that rename indexes, each
// [from, to], where a name to give may be one to take away: each rename
// after the one freeing its name, a cycle broken by a name none of taken
// has.
func renameOrder(renames [][2]string, taken map[string]bool) string {
	pending := slices.Clone(renames)
	var stmts []string
	rename := func(from, to string) {
		stmts = append(stmts, fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quoteIdent(from), quoteIdent(to)))
	}
	for len(pending) > 0 {
		held := func(name string) bool {
			return slices.ContainsFunc(pending, func(r [2]string) bool { return r[0] == name })
		}
		i := slices.IndexFunc(pending, func(r [2]string) bool { return !held(r[1]) })
		if i < 0 {
			tmp := "cpcgen_rename"
			for n := 1; taken[tmp] || held(tmp); n++ {
				tmp = "cpcgen_rename_" + strconv.Itoa(n)
			}
			rename(pending[0][0], tmp)
			pending[0][0] = tmp
			continue
		}
		rename(pending[i][0], pending[i][1])
		pending = slices.Delete(pending, i, i+1)
	}
	return strings.Join(stmts, ";\n")
}

// madeBy is the object or spec table that makes table t: its own, or its
// parent's for a partition the parent's partitions: declares.
func (c *converter) madeBy(t *CatTable) string {
	if p := c.specTables[localParent(t)]; p != nil && slices.ContainsFunc(p.parts, func(part [2]string) bool { return part[0] == t.Name }) {
		return c.objNameOf(p.cat.Name)
	}
	return c.objNameOf(t.Name)
}

// relationsNamed are the names of the schema's relations that exist
// when migrations make the relations PostgreSQL names itself (the
// indexes of partitions, the sequences of identity columns), by name:
// tables, their indexes and keys' indexes, views, the sequences no
// identity owns and composite types. An identity's sequence is not
// among them: migrations make it under a name PostgreSQL chooses.
func (c *converter) relationsNamed() map[string]bool {
	taken := map[string]bool{}
	for _, t := range c.cat.Tables {
		taken[t.Name] = true
		for _, x := range t.Indexes {
			taken[x.Name] = true
		}
		for _, k := range t.Constraints {
			if k.Type == "p" || k.Type == "u" || k.Type == "x" {
				taken[k.Name] = true
			}
		}
	}
	for _, s := range c.cat.Sequences {
		taken[s.Name] = true
	}
	for _, v := range c.cat.Views {
		taken[v.Name] = true
	}
	for _, t := range c.cat.Types {
		if t.Kind == "c" {
			taken[t.Name] = true
		}
	}
	return taken
}

func parentColumn(t *CatTable, name string) *CatColumn {
	return find.First(t.Columns, func(col *CatColumn) bool { return col.Name == name })
}

var modsRE = regexp.MustCompile(`\(([0-9, ]+)\)`)

// columnType returns the spec type of a column, or why there is none.
// A column of a domain, of an array of one or of a domain over an array
// gets the domain's base type, or an array of it (the domain is put back
// by an sql object).
func (c *converter) columnType(col *CatColumn) (string, string) {
	arr := ""
	if col.Dims > 0 {
		arr = "[]"
	}
	if col.ElemSchema == c.cat.Schema && col.ElemKind == "e" && c.enums[col.ElemName] {
		return col.ElemName + arr, ""
	}
	if col.ElemSchema != c.cat.Schema && col.ElemSchema != "pg_catalog" && col.ElemSchema != "information_schema" && !col.ElemExtension {
		return "", fmt.Sprintf("has type %s, a type of schema %s, which import does not read; that schema must exist where the migrations run (for cpcgen's temporary databases: migrations.external)", col.Type, col.ElemSchema)
	}
	if col.ElemKind == "d" {
		// A domain, an array of one, or a domain over an array (whose
		// category makes Dims 1, its element being the domain itself).
		if col.ElemExtension {
			// An extension's domain (lo's lo), which the extension
			// creates: named by its SQL, as its base types are.
			return sqlNamedType(col.Type)
		}
		if c.fixedTypes[col] {
			// The sql object giving the column the domain would fail:
			// PostgreSQL changes the type of no column a generated
			// column uses or the partition key names. Named by its
			// SQL, it has the domain from the start.
			return sqlNamedType(col.Type)
		}
		d := c.domains[col.ElemName]
		colArray := strings.HasSuffix(col.Type, "[]")
		var base string
		baseArray := false
		if d != nil {
			base, baseArray = strings.CutSuffix(d.Base, "[]")
		}
		if d == nil || col.ElemSchema != c.cat.Schema || colArray && baseArray {
			// Not of the schema, or an array of a domain over an array.
			return "", fmt.Sprintf("has type %s, a domain import cannot resolve", col.Type)
		}
		if arr = ""; colArray || baseArray {
			arr = "[]"
		}
		name, mods := splitType(base)
		t := pgtypes.Find(name)
		if t == nil {
			// A domain over a type cpcgen does not model is named by
			// its SQL itself.
			return sqlNamedType(col.Type)
		}
		return t.Name + mods + arr, ""
	}
	if col.ElemSchema == c.cat.Schema && col.ElemKind == "e" {
		return "", fmt.Sprintf("has type %s, an enum an sql object creates (see its note)", col.Type)
	}
	t := pgtypes.ByCatalog(col.ElemName)
	if t == nil {
		return sqlNamedType(col.Type)
	}
	name, mods := splitType(strings.TrimSuffix(col.Type, "[]"))
	if mods == "" && len(t.DefaultArgs) > 0 {
		// A column without the modifier, which format_type writes by
		// the type's catalog name: the spec's char and bit are char(1)
		// and bit(1). bpchar (of any length) is named by its SQL;
		// "bit" (of any number of bits) is not, since Atlas writes it
		// unquoted, bit, which is bit(1).
		if strings.HasPrefix(name, `"`) {
			return "", fmt.Sprintf("has type %s, of any length, which a spec cannot name (%s is %s(%d))", col.Type, t.Name, t.Name, t.DefaultArgs[0])
		}
		return sqlNamedType(col.Type)
	}
	if t.Name == "interval" && name != "interval" {
		// An interval restricted to fields (interval day to second,
		// year to month), which the spec's interval does not declare.
		return sqlNamedType(col.Type)
	}
	if mods == "(6)" && defaultPrecision6[t.Name] {
		mods = "" // the default precision, which Atlas never writes
	}
	return t.Name + mods + arr, ""
}

// fixedTypeColumns returns the columns whose type PostgreSQL does not
// change (ALTER COLUMN … TYPE): those a generated column of their table
// names in its expression, and those its partition key names (any
// identifier of the expression or key that is the name of a column of
// the table counts).
func fixedTypeColumns(tables []*CatTable) map[*CatColumn]bool {
	out := map[*CatColumn]bool{}
	mark := func(t *CatTable, text string, self *CatColumn) {
		toks, err := sqllex.Lex(text)
		if err != nil {
			return
		}
		for _, tok := range toks {
			if col := parentColumn(t, tok.Ident()); col != nil && col != self {
				out[col] = true
			}
		}
	}
	for _, t := range tables {
		mark(t, t.PartKey, nil)
		for _, g := range t.Columns {
			if g.Generated == "s" {
				mark(t, g.Default, g)
			}
		}
	}
	return out
}

// sqlTypeMark starts the spec type of a column whose type cpcgen does not
// model: the rest is its SQL, which the spec gives as type: {sql: …}
// (pgtypes.SQLNamed).
const sqlTypeMark = "sql:"

// sqlNamedType returns the spec type of a column of type spelling (as
// format_type writes it: point, point[]), named by its SQL, or why it
// cannot be.
func sqlNamedType(spelling string) (string, string) {
	named, arr := pgtypes.SQLNamed, ""
	elem, isArray := strings.CutSuffix(spelling, "[]")
	if isArray {
		named, arr = pgtypes.SQLNamedArray, "[]"
	}
	t, err := named(elem)
	if err != nil {
		return "", fmt.Sprintf("has type %s, which a spec cannot name: %v", spelling, err)
	}
	return sqlTypeMark + t.Name + arr, ""
}

// sqlNamed returns the SQL of a spec type named by its SQL, and whether
// typ is one.
func sqlNamed(typ string) (string, bool) { return strings.CutPrefix(typ, sqlTypeMark) }

// withoutNullDefault returns a copy of col without its default when
// that is a NULL constant (DEFAULT NULL::…) of a column that is not
// generated, and true; col and false otherwise.
func withoutNullDefault(col *CatColumn) (*CatColumn, bool) {
	if !nullDefaultRE.MatchString(col.Default) || col.Generated != "" {
		return col, false
	}
	bare := *col
	bare.Default, bare.DefaultUses = "", nil
	return &bare, true
}

// nullDefaultRE matches a default that is a NULL, cast or not.
var nullDefaultRE = regexp.MustCompile(`^NULL(::[a-z ]+(\(\d+\))?[a-z ]*)?$`)

// defaultPrecision6 are the types whose precision is 6 when none is
// given: timestamp(6) and timestamp hold the same values.
var defaultPrecision6 = map[string]bool{"timestamp": true, "timestamptz": true, "time": true, "timetz": true, "interval": true}

// splitType splits format_type's text into the name and the modifiers:
// "character varying(255)" → "character varying", "(255)";
// "timestamp(3) with time zone" → "timestamp with time zone", "(3)".
func splitType(s string) (string, string) {
	m := modsRE.FindStringSubmatchIndex(s)
	if m == nil {
		return s, ""
	}
	mods := strings.ReplaceAll(s[m[0]:m[1]], " ", "")
	name := strings.TrimSpace(s[:m[0]] + s[m[1]:])
	name = strings.Join(strings.Fields(name), " ")
	return name, mods
}

func (c *converter) earlyObjects() {
	cat := c.cat
	c.extensionComments()
	for _, s := range cat.Sequences {
		c.objNames[s.Name] = true
	}
	for _, t := range cat.Tables {
		if t.Parent != "" || strings.HasPrefix(t.Name, "cpcgen_") || c.tableProblem(t) != "" {
			continue // not a spec table
		}
		for _, col := range t.Columns {
			if c.serialColumn(t, col) {
				c.serials[col.Sequence] = true
			}
		}
	}
	for _, d := range cat.Domains {
		c.objNames[d.Name] = true
	}
	for _, t := range cat.Types {
		c.objNames[t.Name] = true
	}
	for _, s := range cat.Sequences {
		if c.serials[s.Name] {
			continue
		}
		var b strings.Builder
		b.WriteString("CREATE ")
		if s.Unlogged {
			b.WriteString("UNLOGGED ")
		}
		fmt.Fprintf(&b, "SEQUENCE %s", quoteIdent(s.Name))
		if s.Type != "bigint" {
			fmt.Fprintf(&b, "\n  AS %s", s.Type)
		}
		fmt.Fprintf(&b, "\n  START WITH %d\n  INCREMENT BY %d\n  MINVALUE %d\n  MAXVALUE %d\n  CACHE %d", s.Start, s.Inc, s.Min, s.Max, s.Cache)
		if s.Cycle {
			b.WriteString("\n  CYCLE")
		}
		b.WriteString(commentOn("SEQUENCE", quoteIdent(s.Name), s.Comment))
		kind := "sequence"
		drop := ""
		if !specName(s.Name) {
			kind, drop = "other", "DROP SEQUENCE "+quoteIdent(s.Name)
		}
		c.add(&c.early, &object{name: c.objNameOf(s.Name), kind: kind, sql: b.String(), drop: drop})
		c.find("sequence", s.Name, Kept, "sequences are SQL objects, created before the tables")
		if s.OwnedBy != "" {
			tbl, col, _ := strings.Cut(s.OwnedBy, ".")
			name := c.objName(s.Name, "owned_by")
			o := &object{name: name, kind: "other",
				sql:       fmt.Sprintf("ALTER SEQUENCE %s OWNED BY %s.%s", quoteIdent(s.Name), quoteIdent(tbl), quoteIdent(col)),
				drop:      fmt.Sprintf("ALTER SEQUENCE %s OWNED BY NONE", quoteIdent(s.Name)),
				dependsOn: []string{c.objNameOf(s.Name), c.objNameOf(tbl)}}
			c.add(&c.alters, o)
			c.ownedBy[tbl] = append(c.ownedBy[tbl], o)
		}
	}
	c.collationObjects()
	c.searchObjects()
	for _, d := range cat.Domains {
		var b strings.Builder
		fmt.Fprintf(&b, "CREATE DOMAIN %s AS %s", quoteIdent(d.Name), d.Base)
		if d.Collation != "" {
			b.WriteString(" COLLATE " + d.Collation)
		}
		if d.Default != "" {
			b.WriteString(" DEFAULT " + d.Default)
		}
		if d.NotNull {
			b.WriteString(" NOT NULL")
		}
		for _, k := range d.Checks {
			if !strings.HasSuffix(k.Def, " NOT VALID") {
				fmt.Fprintf(&b, "\n  CONSTRAINT %s %s", quoteIdent(k.Name), k.Def)
			}
		}
		// A check added NOT VALID, which CREATE DOMAIN cannot say: added
		// after, as pg_dump does.
		for _, k := range d.Checks {
			if strings.HasSuffix(k.Def, " NOT VALID") {
				fmt.Fprintf(&b, ";\nALTER DOMAIN %s ADD CONSTRAINT %s %s", quoteIdent(d.Name), quoteIdent(k.Name), k.Def)
			}
		}
		b.WriteString(commentOn("DOMAIN", quoteIdent(d.Name), d.Comment))
		for _, k := range d.Checks {
			b.WriteString(commentOn("CONSTRAINT", quoteIdent(k.Name)+" ON DOMAIN "+quoteIdent(d.Name), k.Comment))
		}
		kind, drop := "domain", ""
		if !specName(d.Name) {
			kind, drop = "other", "DROP DOMAIN "+quoteIdent(d.Name)
		}
		deps := append(c.earlyDeps(d.Uses), c.collationDeps(d.Collation)...)
		if rels := c.relationsOf(d.Uses); len(rels) > 0 {
			// Over the row type of a table or view (PostgREST's
			// projects_domain AS projects): created after it, as an
			// object of kind other, since a domain is created before the
			// tables.
			for _, r := range rels {
				deps = appendUnique(deps, c.objNameOf(r))
			}
			c.lateTypes[d.Name] = true
			c.add(&c.later, &object{name: c.objNameOf(d.Name), kind: "other", sql: b.String(), drop: "DROP DOMAIN " + quoteIdent(d.Name), dependsOn: deps})
			c.find("domain", d.Name, Kept, "its base type is the row type of %s, so an sql object of kind other creates it after the tables, where domains are created before them%s", strings.Join(rels, ", "), foreignUses(d.Foreign))
			continue
		}
		c.add(&c.early, &object{name: c.objNameOf(d.Name), kind: kind, sql: b.String(), drop: drop, dependsOn: deps})
		c.find("domain", d.Name, Kept, "domains are SQL objects, created before the tables; columns of the domain declare its base type%s", foreignUses(d.Foreign))
	}
	for _, e := range cat.Enums {
		if c.enums[e.Name] {
			continue // an enums: entry
		}
		labels := make([]string, len(e.Labels))
		for i, l := range e.Labels {
			labels[i] = names.QuoteLiteral(l)
		}
		sql := fmt.Sprintf("CREATE TYPE %s AS ENUM (%s)", quoteIdent(e.Name), strings.Join(labels, ", ")) + commentOn("TYPE", quoteIdent(e.Name), e.Comment)
		drop := "DROP TYPE " + quoteIdent(e.Name)
		if builtinTypeName(e.Name) {
			// bit alone is pg_catalog's, searched first: the schema's is
			// dropped by the name of the schema it was created in.
			drop = fmt.Sprintf("DO $cpcgen$ BEGIN EXECUTE format('DROP TYPE %%I.%%I', current_schema(), %s); END $cpcgen$", names.QuoteLiteral(e.Name))
		}
		c.add(&c.early, &object{name: c.objNameOf(e.Name), kind: "other", sql: sql, drop: drop, beforeTables: true})
		if len(e.Labels) == 0 && specName(e.Name) {
			c.find("enum", e.Name, Kept, "it has no values (CREATE TYPE … AS ENUM ()), which a spec enum must have: an sql object creates it, before the tables, and columns of it keep their tables as SQL")
		} else if builtinTypeName(e.Name) {
			c.find("enum", e.Name, Kept, "it has the name of a built-in type, which a spec enum cannot take: an sql object creates it, before the tables, and columns of it keep their tables as SQL")
		} else if by := c.enumUsers[e.Name]; by != "" && specName(e.Name) {
			c.find("enum", e.Name, Kept, "%s uses it, and is created before the tables, where enums: come after them: an sql object creates it, before the tables, and columns of it keep their tables as SQL", by)
		} else {
			c.find("enum", e.Name, Kept, "its name is not a plain SQL name (letters, digits and underscores, not starting with a digit), so specs cannot declare it: an sql object creates it, before the tables, and columns of it keep their tables as SQL")
		}
	}
	for _, t := range cat.Types {
		sql := fmt.Sprintf("CREATE TYPE %s AS %s", quoteIdent(t.Name), t.SQL) + commentOn("TYPE", quoteIdent(t.Name), t.Comment) +
			columnCommentsSQL(t.Name, t.ColumnComments)
		kind, drop := "type", ""
		if !specName(t.Name) {
			kind, drop = "other", "DROP TYPE "+quoteIdent(t.Name)
		}
		deps := append(c.earlyDeps(t.Uses), c.collationDeps(t.SQL)...)
		if rels := c.relationsOf(t.Uses); len(rels) > 0 {
			// An attribute of the row type of a table or view
			// (Liberapay's community_with_participant AS (c communities,
			// p participants)): created after it, as an object of kind
			// other, since a type is created before the tables.
			for _, r := range rels {
				deps = appendUnique(deps, c.objNameOf(r))
			}
			c.lateTypes[t.Name] = true
			c.add(&c.later, &object{name: c.objNameOf(t.Name), kind: "other", sql: sql, drop: "DROP TYPE " + quoteIdent(t.Name), dependsOn: deps})
			c.find("type", t.Name, Kept, "it has an attribute of the row type of %s, so an sql object of kind other creates it after the tables, where types are created before them%s", strings.Join(rels, ", "), foreignUses(t.Foreign))
			continue
		}
		c.add(&c.early, &object{name: c.objNameOf(t.Name), kind: kind, sql: sql, drop: drop, dependsOn: deps})
		c.find("type", t.Name, Kept, "composite and range types are SQL objects, created before the tables%s", foreignUses(t.Foreign))
	}
}

// foreignUses is what the note of a domain, composite or range type adds
// when it uses the types or functions foreign of other schemas (CREATE
// TYPE shape AS (p geo.point2)), which import does not read: that those
// schemas must exist where the migrations run. "" for none.
func foreignUses(foreign []string) string {
	if len(foreign) == 0 {
		return ""
	}
	return fmt.Sprintf("; it uses %s, of another schema, which import does not read; that schema must exist where the migrations run (for cpcgen's temporary databases: migrations.external)", strings.Join(foreign, ", "))
}

// collationObjects keeps each collation of the schema as an sql object
// created before the tables (CREATE COLLATION with its provider, locale
// and determinism), which columns, domains, types and indexes may use.
// One of the database's default provider cannot be created again.
func (c *converter) collationObjects() {
	for _, co := range c.cat.Collations {
		var opts []string
		switch co.Provider {
		case "i":
			opts = append(opts, "provider = icu", "locale = "+names.QuoteLiteral(co.Locale))
		case "c":
			opts = append(opts, "provider = libc", "lc_collate = "+names.QuoteLiteral(co.Collate), "lc_ctype = "+names.QuoteLiteral(co.Ctype))
		default:
			c.find("collation", co.Name, NotImported, "its provider is the database's default, which CREATE COLLATION cannot name; add it by hand as an sql_objects entry of kind other (with drop:)")
			continue
		}
		if !co.Deterministic {
			opts = append(opts, "deterministic = false")
		}
		name := c.claimObjName(co.Name, "collation")
		c.collations[quoteIdent(c.cat.Schema)+"."+quoteIdent(co.Name)] = name
		sql := fmt.Sprintf("CREATE COLLATION %s (%s)", quoteIdent(co.Name), strings.Join(opts, ", ")) + commentOn("COLLATION", quoteIdent(co.Name), co.Comment)
		c.add(&c.early, &object{name: name, kind: "other", sql: sql, drop: "DROP COLLATION " + quoteIdent(co.Name), beforeTables: true})
		c.find("collation", co.Name, Kept, "collations are SQL objects, created before the tables; a text column with one gets collation:")
	}
}

// searchObjects keeps the text search dictionaries and configurations
// of the schema as sql objects created before the tables (after the
// extensions whose dictionaries they use): functions and generated
// columns name them, and PostgreSQL checks a LANGUAGE sql body's names
// when it creates the function.
func (c *converter) searchObjects() {
	dicts := map[string]string{}
	for _, d := range c.cat.Dictionaries {
		name := c.claimObjName(d.Name, "dictionary")
		dicts[quoteIdent(c.cat.Schema)+"."+quoteIdent(d.Name)] = name
		c.add(&c.early, &object{name: name, kind: "other", sql: d.SQL, drop: "DROP TEXT SEARCH DICTIONARY " + quoteIdent(d.Name), beforeTables: true})
		c.find("text search dictionary", d.Name, Kept, "text search dictionaries are SQL objects, created before the tables")
	}
	for _, cf := range c.cat.SearchConfigs {
		var b strings.Builder
		fmt.Fprintf(&b, "CREATE TEXT SEARCH CONFIGURATION %s (PARSER = %s)", quoteIdent(cf.Name), cf.Parser)
		var deps []string
		for _, m := range cf.Mappings {
			fmt.Fprintf(&b, ";\nALTER TEXT SEARCH CONFIGURATION %s\n  ADD MAPPING FOR %s WITH %s", quoteIdent(cf.Name), m.Name, m.Detail)
			for _, d := range strings.Split(m.Detail, ", ") {
				if n := dicts[d]; n != "" && !slices.Contains(deps, n) {
					deps = append(deps, n)
				}
			}
		}
		b.WriteString(commentOn("TEXT SEARCH CONFIGURATION", quoteIdent(cf.Name), cf.Comment))
		c.add(&c.early, &object{name: c.claimObjName(cf.Name, "configuration"), kind: "other", sql: b.String(),
			drop: "DROP TEXT SEARCH CONFIGURATION " + quoteIdent(cf.Name), beforeTables: true, dependsOn: deps})
		c.find("text search configuration", cf.Name, Kept, "text search configurations are SQL objects, created before the tables")
	}
}

// claimObjName is the sql object name of a collation, text search
// dictionary or configuration: its name, or name_<what> when that is
// taken.
func (c *converter) claimObjName(name, what string) string {
	n := c.objNameOf(name)
	if c.objNames[n] {
		return c.objName(name, what)
	}
	c.objNames[n] = true
	return n
}

// collationDeps returns the sql objects of the schema's collations that
// sql (a domain's collation, a type's definition) names.
func (c *converter) collationDeps(sql string) []string {
	var out []string
	for q, name := range c.collations {
		if strings.Contains(sql, q) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// extensionComments keeps the comment of an extension that is not the
// one CREATE EXTENSION gives it (COMMENT ON EXTENSION pg_stat_statements
// IS …, as pg_dump writes it), which extensions: entries do not declare,
// as an sql object created before the tables, whose reverse gives the
// extension its own comment again.
func (c *converter) extensionComments() {
	for _, e := range c.cat.Extensions {
		if e.Comment == e.DefaultComment {
			continue
		}
		name := c.objName(e.Name, "comment")
		c.add(&c.early, &object{name: name, kind: "other", beforeTables: true,
			sql:       commentSQL("EXTENSION", quoteIdent(e.Name), e.Comment),
			drop:      commentSQL("EXTENSION", quoteIdent(e.Name), e.DefaultComment),
			dependsOn: []string{e.Name}})
		c.find("extension", e.Name, Kept, "its comment is not the one CREATE EXTENSION gives it, and extensions: entries declare no comment: an sql object sets it")
	}
}

// objNameOf is the sql object name of a database object: its name when
// a spec can give it, else a plain spelling of it (oddNames).
func (c *converter) objNameOf(name string) string {
	if specName(name) {
		return name
	}
	if n, ok := c.oddNames[name]; ok {
		return n
	}
	return fixName(name)
}

// spellOddNames gives each name of the schema's tables, views,
// functions, types, domains, enums and sequences that a spec cannot give
// (o+o+, o-o+) its sql object name: its plain spelling (o_o_), numbered
// when that is another's name or spelling (o_o__2), in the order of the
// names, so that two objects never share a name (o+o+ and o-o+ were
// both o_o_, and the specs did not load).
func (c *converter) spellOddNames() {
	var all []string
	for _, t := range c.cat.Tables {
		all = append(all, t.Name)
	}
	for _, v := range c.cat.Views {
		all = append(all, v.Name)
	}
	for _, f := range c.cat.Functions {
		all = append(all, f.Name)
	}
	for _, t := range c.cat.Types {
		all = append(all, t.Name)
	}
	for _, d := range c.cat.Domains {
		all = append(all, d.Name)
	}
	for _, e := range c.cat.Enums {
		all = append(all, e.Name)
	}
	for _, q := range c.cat.Sequences {
		all = append(all, q.Name)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	taken := map[string]bool{}
	for _, n := range all {
		if specName(n) {
			taken[n] = true
		}
	}
	c.oddNames = map[string]string{}
	for _, n := range all {
		if specName(n) {
			continue
		}
		base := fixName(n)
		name := base
		for i := 2; taken[name]; i++ {
			name = names.Constraint(base, strconv.Itoa(i))
		}
		taken[name] = true
		c.oddNames[n] = name
	}
}

func commentOn(what, target, comment string) string {
	if comment == "" {
		return ""
	}
	return ";\n" + commentSQL(what, target, comment)
}

// constraintComments are the statements, each after a semicolon, giving
// constraint k of table its comment and its index's (a key's index has
// the constraint's name).
func constraintComments(table string, k *CatConstraint) string {
	return commentOn("CONSTRAINT", quoteIdent(k.Name)+" ON "+quoteIdent(table), k.Comment) + commentOn("INDEX", quoteIdent(k.Name), k.IndexComment)
}

// columnCommentsSQL are the statements, each after a semicolon, giving
// the columns of relation rel (a view, a composite type) their comments
// (each [column, comment]).
func columnCommentsSQL(rel string, comments [][]string) string {
	var b strings.Builder
	for _, cc := range comments {
		b.WriteString(commentOn("COLUMN", quoteIdent(rel)+"."+quoteIdent(cc[0]), cc[1]))
	}
	return b.String()
}

// commentSQL is the statement giving the object target (of kind what:
// TABLE, INDEX, CONSTRAINT) comment, or taking its comment away when
// comment is "".
func commentSQL(what, target, comment string) string {
	text := "NULL"
	if comment != "" {
		text = names.QuoteLiteral(comment)
	}
	return "COMMENT ON " + what + " " + target + " IS " + text
}

// commentObject keeps the comment of an object of table that the spec
// declares but cannot hold the comment of (an index, a constraint) as an
// sql object after the tables, named name.
func (c *converter) commentObject(name, table, what, target, comment string) {
	c.add(&c.alters, &object{name: name, kind: "other",
		sql: commentSQL(what, target, comment), drop: commentSQL(what, target, ""), dependsOn: []string{c.objNameOf(table)}})
}

// sqlTable keeps a table the spec cannot declare as an sql object made
// of its CREATE TABLE statement (constraints that need other tables and
// its indexes are objects of their own).
func (c *converter) sqlTable(t *CatTable, why string) {
	c.find("table", t.Name, Kept, "%s; no Go code is generated for it", why)
	var b strings.Builder
	q := quoteIdent(t.Name)
	b.WriteString("CREATE ")
	if t.Unlogged {
		b.WriteString("UNLOGGED ")
	}
	b.WriteString("TABLE " + q)
	var deps []string
	// A partition whose columns are not in its parent's order, or with
	// a generated column where its parent's is not, is made as pg_dump
	// makes it: a table of its own columns, then attached; PARTITION OF
	// would give it the parent's order, and its columns.
	reordered := t.Parent != "" && (c.partitionReordered(t) || c.partitionGenerates(t))
	if t.Parent != "" {
		if !reordered {
			fmt.Fprintf(&b, " PARTITION OF %s", qualifiedRel(t.ParentSchema, t.Parent))
		}
		if p := localParent(t); p != "" {
			deps = append(deps, c.objNameOf(p))
		}
	}
	if t.OfType != "" {
		fmt.Fprintf(&b, " OF %s", quoteIdent(t.OfType))
		deps = append(deps, c.objNameOf(t.OfType))
	}
	// A default calling functions of the schema is made with the table
	// when they can all be created before the tables (as a declared
	// table's is); lateDefaults says why not, by column.
	lateDefaults := map[string]string{}
	for _, col := range t.Columns {
		if col.Default != "" && len(col.DefaultUses) > 0 && col.Generated == "" {
			if why := c.earlyCalls(col.DefaultUses, fmt.Sprintf("the default of column %s.%s calls it", t.Name, col.Name)); why != "" {
				lateDefaults[col.Name] = why
			} else {
				for _, fn := range col.DefaultUses {
					deps = appendUnique(deps, c.objNameOf(fn))
				}
			}
		}
	}
	var items []string
	var inheritedDefaults []*CatColumn
	if reordered {
		for _, col := range t.Columns {
			items = append(items, columnDDL(t, col, lateDefaults[col.Name] == ""))
			if col.Generated == "s" {
				for _, fn := range col.DefaultUses {
					deps = appendUnique(deps, c.objNameOf(fn))
				}
			}
		}
		// ATTACH PARTITION wants the checks the partition inherits.
		for _, k := range c.partitionChecks(t) {
			items = append(items, "CONSTRAINT "+quoteIdent(k.Name)+" "+k.Def)
		}
	} else if t.Parent == "" {
		for _, col := range t.Columns {
			if col.Inherited && len(t.Inherits) > 0 {
				// INHERITS brings the column; a default of its own is
				// set after.
				if col.Default != "" && col.Default != c.inheritedDefault(t, col.Name) && lateDefaults[col.Name] == "" {
					inheritedDefaults = append(inheritedDefaults, col)
				}
				continue
			}
			if t.OfType != "" {
				// The type brings the column; its default and NOT NULL
				// are options of the table's.
				if opts := strings.TrimPrefix(columnDDL(t, col, lateDefaults[col.Name] == ""), quoteIdent(col.Name)+" "+col.Type); opts != "" {
					items = append(items, quoteIdent(col.Name)+" WITH OPTIONS"+opts)
				}
				continue
			}
			if pc := c.inheritedColumn(t, col.Name); col.Generated == "s" && pc != nil && pc.Generated == "s" {
				// A column of its own merged with a parent's generated
				// column takes the parent's expression; PostgreSQL 15
				// refuses one written on it ("child column specifies
				// generation expression"), as pg_dump knows.
				own := *col
				own.Generated, own.Default = "", ""
				items = append(items, columnDDL(t, &own, false))
				continue
			}
			items = append(items, columnDDL(t, col, lateDefaults[col.Name] == ""))
			if col.Generated == "s" {
				for _, fn := range col.DefaultUses {
					deps = appendUnique(deps, c.objNameOf(fn))
				}
			}
			if r := c.rowTypeOf(col); r != "" {
				deps = appendUnique(deps, c.objNameOf(r))
			}
		}
	}
	var notValid []string
	for _, k := range t.Constraints {
		if k.Type == "f" || len(k.Uses) > 0 {
			continue
		}
		if k.Type == "c" && !k.Validated && !k.Inherited {
			// CREATE TABLE would make it valid (PostgreSQL ignores NOT
			// VALID there); pg_dump adds it after, as this does.
			notValid = append(notValid, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", q, quoteIdent(k.Name), k.Def))
			continue
		}
		items = append(items, "CONSTRAINT "+quoteIdent(k.Name)+" "+k.Def)
	}
	if len(items) > 0 {
		b.WriteString(" (\n  " + strings.Join(items, ",\n  ") + "\n)")
	} else if t.Parent == "" && t.OfType == "" {
		b.WriteString(" ()")
	}
	if t.Parent != "" && !reordered {
		b.WriteString(" " + t.Bound)
	}
	if len(t.Inherits) > 0 {
		for i, p := range t.Inherits {
			if t.InheritsSchemas[i] == "" {
				deps = append(deps, c.objNameOf(p))
			}
		}
		b.WriteString(" INHERITS (" + strings.Join(inheritsRefs(t), ", ") + ")")
	}
	if t.PartKey != "" {
		b.WriteString(" PARTITION BY " + t.PartKey)
		for _, fn := range t.PartKeyUses {
			deps = appendUnique(deps, c.objNameOf(fn)) // PostgreSQL resolves them now
		}
	}
	if t.AccessMethod != "" {
		b.WriteString(" USING " + quoteIdent(t.AccessMethod))
	}
	if len(t.Options) > 0 {
		b.WriteString(" WITH (" + strings.Join(t.Options, ", ") + ")")
	}
	if reordered {
		fmt.Fprintf(&b, ";\nALTER TABLE %s ATTACH PARTITION %s %s", qualifiedRel(t.ParentSchema, t.Parent), q, t.Bound)
	}
	var droppedDefaults []*CatColumn
	if t.Parent != "" && !reordered {
		for _, col := range t.Columns {
			switch {
			case col.Default != "" && col.Generated == "" && lateDefaults[col.Name] == "":
				inheritedDefaults = append(inheritedDefaults, col)
			case col.Default == "" && col.Generated == "" && c.partitionParentDefault(t, col.Name) != "":
				// PARTITION OF gives the column the parent's default,
				// which a partition made otherwise (CREATE TABLE … (LIKE
				// parent), then ATTACH PARTITION) does not have.
				droppedDefaults = append(droppedDefaults, col)
			}
		}
	}
	for _, col := range inheritedDefaults {
		fmt.Fprintf(&b, ";\nALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", q, quoteIdent(col.Name), col.Default)
	}
	for _, col := range droppedDefaults {
		fmt.Fprintf(&b, ";\nALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", q, quoteIdent(col.Name))
	}
	if t.Parent != "" && !reordered {
		// PARTITION OF gives the columns the parent's NOT NULL; one of
		// the partition's own is set after.
		for _, col := range t.Columns {
			if pc := c.tableColumn(localParent(t), col.Name); col.NotNull && pc != nil && !pc.NotNull {
				fmt.Fprintf(&b, ";\nALTER TABLE %s ALTER COLUMN %s SET NOT NULL", q, quoteIdent(col.Name))
			}
		}
	}
	if t.Parent != "" && !reordered {
		// PARTITION OF gives no column an identity: one of the
		// partition's own is added after (and after its NOT NULL),
		// as pg_dump does.
		for _, col := range t.Columns {
			if col.Identity != "" {
				fmt.Fprintf(&b, ";\nALTER TABLE %s ALTER COLUMN %s ADD%s", q, quoteIdent(col.Name), identityClause(t, col))
			}
		}
	}
	for _, col := range t.Columns {
		if set, _ := columnSettings(t, col); set != "" {
			b.WriteString(";\n" + set)
		}
	}
	for _, add := range notValid {
		b.WriteString(";\n" + add)
	}
	b.WriteString(commentOn("TABLE", q, t.Comment))
	for _, col := range t.Columns {
		b.WriteString(commentOn("COLUMN", q+"."+quoteIdent(col.Name), col.Comment))
	}
	for _, k := range t.Constraints {
		if k.Type != "f" && len(k.Uses) == 0 {
			b.WriteString(indexOptions(k) + constraintComments(t.Name, k))
		}
	}
	if set, _ := rowSecurity(t); set != "" {
		b.WriteString(";\n" + set)
	}
	// A partition is detached first: PostgreSQL refuses to drop one of a
	// table a foreign key references.
	drop := "DROP TABLE " + q
	if t.Parent != "" {
		drop = "ALTER TABLE " + qualifiedRel(t.ParentSchema, t.Parent) + " DETACH PARTITION " + q + ";\n" + drop
	}
	c.add(&c.sqlTables, &object{name: c.objNameOf(t.Name), kind: "other", sql: b.String(), drop: drop, dependsOn: deps})
	for _, col := range t.Columns {
		if why := lateDefaults[col.Name]; why != "" {
			c.columnDefaultObject(t, col, fmt.Sprintf("calls %s, so it cannot be created before the tables: an sql object after them sets the default", why))
		}
	}
	for _, k := range t.Constraints {
		if k.Type == "f" || len(k.Uses) > 0 {
			c.constraintObject(t, k, "a constraint of a table kept as SQL, added after the tables")
		}
	}
	for _, x := range t.Indexes {
		c.indexObject(t, x, "an index of a table kept as SQL")
	}
	for _, col := range t.Columns {
		if col.Identity != "" {
			c.identityComment(t, col)
		}
	}
}

// identityComment keeps the comment of an identity column's sequence,
// which the identity makes without one, as an sql object after the
// tables.
func (c *converter) identityComment(t *CatTable, col *CatColumn) {
	if col.IdentityComment == "" || col.Sequence == "" {
		return
	}
	c.commentObject(c.objName(t.Name, col.Name, "identity_comment"), t.Name, "SEQUENCE", quoteIdent(col.Sequence), col.IdentityComment)
	c.find("column", t.Name+"."+col.Name, Kept, "its identity's sequence has a comment, which the spec does not declare: an sql object sets it")
}

// columnSettings returns the statements that give a column its
// statistics target, attribute options, storage and compression, and
// those that take them back; "" for a column without any.
func columnSettings(t *CatTable, col *CatColumn) (set, reset string) {
	alter := fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s ", quoteIdent(t.Name), quoteIdent(col.Name))
	var sets, resets []string
	if col.Statistics >= 0 {
		sets = append(sets, fmt.Sprintf("%sSET STATISTICS %d", alter, col.Statistics))
		resets = append(resets, alter+"SET STATISTICS -1")
	}
	if len(col.Options) > 0 {
		keys := make([]string, len(col.Options))
		for i, o := range col.Options {
			keys[i], _, _ = strings.Cut(o, "=")
		}
		sets = append(sets, alter+"SET ("+strings.Join(col.Options, ", ")+")")
		resets = append(resets, alter+"RESET ("+strings.Join(keys, ", ")+")")
	}
	if col.Storage != "" {
		sets = append(sets, alter+"SET STORAGE "+col.Storage)
		resets = append(resets, alter+"SET STORAGE "+col.TypeStorage)
	}
	if col.Compression != "" {
		sets = append(sets, alter+"SET COMPRESSION "+col.Compression)
		resets = append(resets, alter+"SET COMPRESSION DEFAULT")
	}
	return strings.Join(sets, ";\n"), strings.Join(resets, ";\n")
}

// rowSecurity returns the statements that enable and force row-level
// security on t as it has them, and those that take them back; "" for a
// table with neither.
func rowSecurity(t *CatTable) (set, reset string) {
	q := quoteIdent(t.Name)
	var sets, resets []string
	if t.RLS {
		sets = append(sets, "ALTER TABLE "+q+" ENABLE ROW LEVEL SECURITY")
		resets = append(resets, "ALTER TABLE "+q+" DISABLE ROW LEVEL SECURITY")
	}
	if t.ForceRLS {
		sets = append(sets, "ALTER TABLE "+q+" FORCE ROW LEVEL SECURITY")
		resets = append(resets, "ALTER TABLE "+q+" NO FORCE ROW LEVEL SECURITY")
	}
	return strings.Join(sets, ";\n"), strings.Join(resets, ";\n")
}

// inheritedDefault returns the default column name has in the first
// table t inherits that has the column, "" when none has it.
func (c *converter) inheritedDefault(t *CatTable, name string) string {
	if pc := c.inheritedColumn(t, name); pc != nil {
		return pc.Default
	}
	return ""
}

// inheritedColumn returns column name of the first table t inherits
// (INHERITS) that has one, nil when none of the schema's does.
func (c *converter) inheritedColumn(t *CatTable, name string) *CatColumn {
	for i, p := range t.Inherits {
		if t.InheritsSchemas[i] != "" {
			continue // another schema's table, which import does not read
		}
		if pc := c.tableColumn(p, name); pc != nil {
			return pc
		}
	}
	return nil
}

// partitionGenerates tells whether partition t has a generated column
// where its parent's is not (a table attached so), which PARTITION OF
// cannot make: it is made as a table and attached, as pg_dump makes it.
func (c *converter) partitionGenerates(t *CatTable) bool {
	return slices.ContainsFunc(t.Columns, func(col *CatColumn) bool {
		pc := c.tableColumn(localParent(t), col.Name)
		return col.Generated == "s" && pc != nil && pc.Generated == ""
	})
}

// partitionParentDefault returns the default of column name of the
// table the partition t is of, "" when it has none.
// partitionReordered tells whether partition t has its columns in
// another order than its parent's.
func (c *converter) partitionReordered(t *CatTable) bool {
	p := find.First(c.cat.Tables, func(p *CatTable) bool { return p.Name == localParent(t) })
	if p == nil || len(p.Columns) != len(t.Columns) {
		return false
	}
	for i, col := range t.Columns {
		if p.Columns[i].Name != col.Name {
			return true
		}
	}
	return false
}

// partitionChecks are the check constraints partition t inherits from
// its parent and the parent's own parents.
func (c *converter) partitionChecks(t *CatTable) []*CatConstraint {
	var checks []*CatConstraint
	seen := map[string]bool{}
	for p := t; p.Parent != ""; {
		p = find.First(c.cat.Tables, func(x *CatTable) bool { return x.Name == p.Parent })
		if p == nil {
			break
		}
		for _, k := range p.Constraints {
			if k.Type == "c" && !k.NoInherit && !seen[k.Name] {
				seen[k.Name] = true
				checks = append(checks, k)
			}
		}
	}
	return checks
}

func (c *converter) partitionParentDefault(t *CatTable, name string) string {
	if pc := c.tableColumn(localParent(t), name); pc != nil && pc.Generated == "" {
		return pc.Default
	}
	return ""
}

// tableColumn returns column name of the catalog's table, nil when
// either is missing.
func (c *converter) tableColumn(table, name string) *CatColumn {
	if t := find.First(c.cat.Tables, func(t *CatTable) bool { return t.Name == table }); t != nil {
		return parentColumn(t, name)
	}
	return nil
}

// identityClause is the GENERATED … AS IDENTITY clause of identity
// column col of table t, which names its sequence when PostgreSQL would
// name it otherwise and gives the sequence's options that are not
// PostgreSQL's, and its persistence when it is not the table's.
func identityClause(t *CatTable, col *CatColumn) string {
	s := map[string]string{"a": " GENERATED ALWAYS AS IDENTITY", "d": " GENERATED BY DEFAULT AS IDENTITY"}[col.Identity]
	opts, _ := seqOptions(col.IdentitySeq, true)
	if col.Sequence != "" && col.Sequence != names.ChooseRelationName(t.Name, col.Name, "seq", nil) {
		opts = append([]string{"SEQUENCE NAME " + quoteIdent(col.Sequence)}, opts...)
	}
	// A sequence whose persistence is not its table's (ALTER SEQUENCE …
	// SET UNLOGGED), as pg_dump writes it.
	switch {
	case col.Sequence != "" && col.IdentityUnlogged && !t.Unlogged:
		opts = append(opts, "UNLOGGED")
	case col.Sequence != "" && !col.IdentityUnlogged && t.Unlogged:
		opts = append(opts, "LOGGED")
	}
	if len(opts) > 0 {
		s += " (" + strings.Join(opts, " ") + ")"
	}
	return s
}

// columnDDL is the definition of column col of table t in its CREATE
// TABLE statement. An identity names its sequence when PostgreSQL would
// name it otherwise, and gives the sequence's options that are not
// PostgreSQL's. withDefault is false for a default an sql object sets
// after the tables.
func columnDDL(t *CatTable, col *CatColumn, withDefault bool) string {
	s := quoteIdent(col.Name) + " " + col.Type
	if col.Collation != "" {
		s += " COLLATE " + col.Collation
	}
	switch {
	case col.Generated == "s":
		s += " GENERATED ALWAYS AS (" + col.Default + ") STORED"
	case col.Identity != "":
		s += identityClause(t, col)
	case col.Default != "" && withDefault:
		s += " DEFAULT " + col.Default
	}
	if col.NotNull {
		s += " NOT NULL"
	}
	return s
}

// constraintObject adds a constraint as ALTER TABLE … ADD CONSTRAINT.
func (c *converter) constraintObject(t *CatTable, k *CatConstraint, why string) {
	deps := c.functionDeps(t.Name, k.Uses)
	if k.RefTable != "" && k.RefTable != t.Name && k.RefSchema == c.cat.Schema {
		deps = appendUnique(deps, c.objNameOf(k.RefTable))
	}
	sql := fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", quoteIdent(t.Name), quoteIdent(k.Name), k.Def)
	if k.RefSchema != "" && k.RefSchema != c.cat.Schema {
		c.find("constraint", t.Name+"."+k.Name, Kept, "it references %s.%s in another schema; that schema must exist where the migrations run (for cpcgen's temporary databases: migrations.external)", k.RefSchema, k.RefTable)
	}
	sql += indexOptions(k) + constraintComments(t.Name, k)
	o := &object{name: c.objName(t.Name, k.Name), kind: "other", sql: sql,
		drop: fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", quoteIdent(t.Name), quoteIdent(k.Name)), dependsOn: deps}
	c.add(&c.later, o)
	if k.Type == "f" {
		c.fkObjects[t.Name+"."+k.Name] = o.name
	}
	switch {
	case k.Type == "f" && k.KeyIndex != "" && k.RefSchema == c.cat.Schema:
		// After the key it references, when an object makes that too.
		c.fkKeys = append(c.fkKeys, fkKey{o: o, key: k.RefTable + "." + k.KeyIndex})
	case k.Type == "p" || k.Type == "u" || k.Type == "x":
		c.keyObjects[t.Name+"."+k.Name] = o.name
	}
	c.find(constraintKind(k.Type), t.Name+"."+k.Name, Kept, "%s", why)
}

// indexOptions is the statement, after a semicolon, giving the index of
// key k (a primary key or unique constraint) its storage options (WITH
// (fillfactor=70)), which its definition leaves out; "" when it has
// none.
func indexOptions(k *CatConstraint) string {
	if len(k.IndexOptions) == 0 {
		return ""
	}
	return fmt.Sprintf(";\nALTER INDEX %s SET (%s)", quoteIdent(k.Name), strings.Join(k.IndexOptions, ", "))
}

// renameConstraint keeps the name of a constraint the spec declares when
// that name is not a plain SQL name, as specs' names are (Keycloak's
// "CONSTRAINT_9-2"): the spec gives the constraint PostgreSQL's default
// name def, and an sql object after the tables renames it. It reports
// whether it did; false for a plain name, which the spec declares.
func (c *converter) renameConstraint(t *CatTable, k *CatConstraint, def string) bool {
	if specName(k.Name) {
		return false
	}
	tq := quoteIdent(t.Name)
	c.add(&c.later, &object{name: c.objName(t.Name, def, "name"), kind: "other",
		sql:       fmt.Sprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s", tq, quoteIdent(def), quoteIdent(k.Name)),
		drop:      fmt.Sprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s", tq, quoteIdent(k.Name), quoteIdent(def)),
		dependsOn: []string{c.objNameOf(t.Name)}})
	c.find(constraintKind(k.Type), t.Name+"."+k.Name, Kept, "its name is not a plain SQL name, which specs declare: the spec gives it the default name %s and an sql object renames it (the generated sentinel matches the default name)", def)
	return true
}

// constraintComment keeps the comment of a constraint the spec declares,
// which specs cannot hold, as an sql object after the tables (and after
// an object renaming the constraint, added before it).
func (c *converter) constraintComment(t *CatTable, k *CatConstraint) {
	if k.Comment == "" {
		return
	}
	c.commentObject(c.objName(t.Name, k.Name, "comment"), t.Name, "CONSTRAINT", quoteIdent(k.Name)+" ON "+quoteIdent(t.Name), k.Comment)
	c.find(constraintKind(k.Type), t.Name+"."+k.Name, Kept, "its comment: specs do not declare comments on constraints, so an sql object sets it")
}

// keyOptions keeps the storage options of the index of a primary key or
// unique constraint the spec declares (WITH (fillfactor=70)), and its
// comment, which specs cannot hold, as sql objects after the tables
// setting them on the index, named name when the tables are made.
func (c *converter) keyOptions(t *CatTable, k *CatConstraint, name string) {
	if k.IndexComment != "" {
		c.commentObject(c.objName(t.Name, k.Name, "index comment"), t.Name, "INDEX", quoteIdent(name), k.IndexComment)
		c.find(constraintKind(k.Type), t.Name+"."+k.Name, Kept, "its index's comment: specs do not declare comments on a key's index, so an sql object sets it")
	}
	if len(k.IndexOptions) == 0 {
		return
	}
	var keys []string
	for _, o := range k.IndexOptions {
		key, _, _ := strings.Cut(o, "=")
		keys = append(keys, key)
	}
	c.add(&c.alters, &object{name: c.objName(t.Name, k.Name, "storage"), kind: "other",
		sql:       fmt.Sprintf("ALTER INDEX %s SET (%s)", quoteIdent(name), strings.Join(k.IndexOptions, ", ")),
		drop:      fmt.Sprintf("ALTER INDEX %s RESET (%s)", quoteIdent(name), strings.Join(keys, ", ")),
		dependsOn: []string{c.objNameOf(t.Name)}})
	c.find(constraintKind(k.Type), t.Name+"."+k.Name, Kept, "its index's storage options (%s), which specs do not declare: an sql object sets them", strings.Join(k.IndexOptions, ", "))
}

func constraintKind(t string) string {
	switch t {
	case "p":
		return "primary key"
	case "u":
		return "unique constraint"
	case "f":
		return "foreign key"
	case "c":
		return "check constraint"
	case "x":
		return "exclusion constraint"
	}
	return "constraint"
}

func (c *converter) indexObject(t *CatTable, x *CatIndex, why string) {
	def := unqualify(x.Def, c.cat.Schema)
	def += commentOn("INDEX", quoteIdent(x.Name), x.Comment)
	name := c.objName(x.Name, "index")
	c.add(&c.later, &object{name: name, kind: "other", sql: def,
		drop: "DROP INDEX " + quoteIdent(x.Name), dependsOn: c.functionDeps(t.Name, x.Uses)})
	c.keyObjects[t.Name+"."+x.Name] = name
	c.find("index", t.Name+"."+x.Name, Kept, "%s", why)
	c.indexStatistics(t, x, name)
}

// partitionIndexObject keeps index x of a partition declared in its
// parent's partitions: (one of its own, attached to no index of the
// parent) as an sql object after the parent, which makes the partition:
// a partition declared so carries no index, and one kept as SQL for its
// index was dropped and made again, empty, by the next migration that
// added or dropped such an index.
func (c *converter) partitionIndexObject(t *CatTable, x *CatIndex) {
	def := unqualify(x.Def, c.cat.Schema)
	def += commentOn("INDEX", quoteIdent(x.Name), x.Comment)
	name := c.objName(x.Name, "index")
	deps := []string{c.objNameOf(t.Parent)}
	for _, fn := range x.Uses {
		deps = appendUnique(deps, c.objNameOf(fn))
	}
	c.add(&c.later, &object{name: name, kind: "other", sql: def, drop: "DROP INDEX " + quoteIdent(x.Name), dependsOn: deps})
	c.keyObjects[t.Name+"."+x.Name] = name
	c.find("index", t.Name+"."+x.Name, Kept, "it is an index of partition %s of its own, which a declared partition cannot carry: an sql object makes it after the partition", t.Name)
	c.indexStatistics(t, x, name)
}

// indexStatistics keeps the statistics targets of x's columns (ALTER
// INDEX … ALTER COLUMN n SET STATISTICS, on expression columns), which
// specs do not declare, as an sql object after the index: after the
// tables, or after the object making the index, named by made.
func (c *converter) indexStatistics(t *CatTable, x *CatIndex, made string) {
	if len(x.Statistics) == 0 {
		return
	}
	q := quoteIdent(x.Name)
	var sets, resets []string
	for _, s := range x.Statistics {
		col, target, _ := strings.Cut(s, " ")
		sets = append(sets, fmt.Sprintf("ALTER INDEX %s ALTER COLUMN %s SET STATISTICS %s", q, col, target))
		resets = append(resets, fmt.Sprintf("ALTER INDEX %s ALTER COLUMN %s SET STATISTICS -1", q, col))
	}
	deps, phase := []string{c.objNameOf(t.Name)}, &c.alters
	if made != "" {
		deps, phase = append(deps, made), &c.later
	}
	c.add(phase, &object{name: c.objName(x.Name, "statistics"), kind: "other", sql: strings.Join(sets, ";\n"),
		drop: strings.Join(resets, ";\n"), dependsOn: deps})
	c.find("index", t.Name+"."+x.Name, Kept, "the statistics targets of its columns: specs do not declare them, so an sql object sets them")
}

// functionDeps are the objects an object of table depends on: the table,
// and the functions of the schema it calls (fns), which exist only after
// the tables.
func (c *converter) functionDeps(table string, fns []string) []string {
	deps := []string{c.objNameOf(table)}
	for _, fn := range fns {
		deps = appendUnique(deps, c.objNameOf(fn))
	}
	return deps
}

// unqualify drops the schema from "ON schema.table" in an index
// definition, and the ONLY pg_get_indexdef writes for the index of a
// partitioned table: made on the table, not on it only, the index is
// made on its partitions too, as they have it where it was read.
func unqualify(def, schema string) string {
	q := quoteIdent(schema) + "."
	def = strings.Replace(def, " ON ONLY "+q, " ON ", 1)
	return strings.Replace(def, " ON "+q, " ON ", 1)
}

// columnDefaultObject sets the default of column col of table t, which
// calls functions of the schema, by an sql object after the tables and
// the functions; the note says why ("its default expr " why).
func (c *converter) columnDefaultObject(t *CatTable, col *CatColumn, why string) *object {
	o := &object{name: c.objName(t.Name, col.Name, "default"), kind: "other",
		sql:       fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", quoteIdent(t.Name), quoteIdent(col.Name), col.Default),
		drop:      fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", quoteIdent(t.Name), quoteIdent(col.Name)),
		dependsOn: c.functionDeps(t.Name, col.DefaultUses)}
	c.add(&c.alters, o)
	c.find("column", t.Name+"."+col.Name, Kept, "its default %s %s", clipText(col.Default), why)
	return o
}

// nextvalRE is a default taking the values of a sequence.
var nextvalRE = regexp.MustCompile(`^nextval\('((?:[^']|'')+)'::regclass\)$`)

// nextvalSeq returns the name of the sequence whose values default def
// takes (nextval('name'::regclass)), "" for another default.
func nextvalSeq(def string) string {
	m := nextvalRE.FindStringSubmatch(def)
	if m == nil {
		return ""
	}
	name := strings.ReplaceAll(m[1], "''", "'")
	if n, ok := strings.CutPrefix(name, `"`); ok {
		name = strings.ReplaceAll(strings.TrimSuffix(n, `"`), `""`, `"`)
	}
	return name
}

// otherSerial returns the sequence whose values the default of column
// col of t takes and the table whose serial column owns it, when that
// is another column's serial sequence, which the migrations make with
// that table: "", "" otherwise.
func (c *converter) otherSerial(t *CatTable, col *CatColumn) (seq, owner string) {
	s := c.sequence(nextvalSeq(col.Default))
	if s == nil || !c.serials[s.Name] || s.OwnedBy == t.Name+"."+col.Name {
		return "", ""
	}
	owner, _, _ = strings.Cut(s.OwnedBy, ".")
	return s.Name, owner
}

var (
	intRE  = regexp.MustCompile(`^-?[0-9]+$`)
	callRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*\(\)$`)
	// strRE is a string literal cast to a type: 'text'::type.
	strRE = regexp.MustCompile(`^'((?:[^']|'')*)'::(.+)$`)
)

// identitySeqOptions are the options of an identity column's sequence
// s that are not those PostgreSQL gives it (START WITH 1000, INCREMENT
// BY 10 …), as CREATE SEQUENCE spells them, and for each the option
// giving PostgreSQL's back. They are set on the sequence migrations
// make, whose options are the defaults of an ascending sequence
// (INCREMENT BY 1, MINVALUE 1, START WITH 1), and which ALTER SEQUENCE
// keeps for each option it does not set: a descending sequence sets its
// MINVALUE too (else MINVALUE 1 stays, above its MAXVALUE), and a
// MINVALUE of 0 its START WITH 0 (else START WITH 1 stays).
func identitySeqOptions(s SeqOptions) (set, reset []string) {
	return seqOptions(s, false)
}

// seqOptions are identitySeqOptions, for a sequence CREATE makes when
// create is true: a descending one then has PostgreSQL's descending
// bounds by default (the type's least value and -1), not those ALTER
// leaves of the ascending sequence an identity starts with.
func seqOptions(s SeqOptions, create bool) (set, reset []string) {
	if s.Increment == 0 {
		return nil, nil
	}
	defMin, defMax, defStart := int64(1), s.TypeMax, int64(1)
	if create && s.Increment < 0 {
		defMin, defMax = -s.TypeMax-1, -1
	}
	opt := func(differs bool, now, def string) {
		if differs {
			set, reset = append(set, now), append(reset, def)
		}
	}
	opt(s.Increment != 1, fmt.Sprintf("INCREMENT BY %d", s.Increment), "INCREMENT BY 1")
	opt(s.Min != defMin, fmt.Sprintf("MINVALUE %d", s.Min), "NO MINVALUE")
	opt(s.Max != defMax, fmt.Sprintf("MAXVALUE %d", s.Max), "NO MAXVALUE")
	opt(s.Start != defStart, fmt.Sprintf("START WITH %d", s.Start), fmt.Sprintf("START WITH %d", defStart))
	opt(s.Cache != 1, fmt.Sprintf("CACHE %d", s.Cache), "CACHE 1")
	opt(s.Cycle, "CYCLE", "NO CYCLE")
	return set, reset
}

// identityOptions keeps the sequence options of an identity column that
// differ from PostgreSQL's defaults (identitySeqOptions) as an sql
// object: the spec declares identity: true only.
func (c *converter) identityOptions(t *CatTable, col *CatColumn) {
	set, reset := identitySeqOptions(col.IdentitySeq)
	if len(set) == 0 {
		return
	}
	// ALTER COLUMN … SET each option; RESTART takes a new start.
	sets := func(opts []string) string {
		out := make([]string, len(opts))
		for i, o := range opts {
			out[i] = "SET " + o
			if strings.HasPrefix(o, "START WITH ") {
				out[i] += " RESTART"
			}
		}
		return strings.Join(out, " ")
	}
	alter := fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s ", quoteIdent(t.Name), quoteIdent(col.Name))
	c.add(&c.alters, &object{name: c.objName(t.Name, col.Name, "identity_options"), kind: "other",
		sql: alter + sets(set), drop: alter + sets(reset), dependsOn: []string{t.Name}})
	c.find("column", t.Name+"."+col.Name, Kept, "its identity has sequence options (%s): the spec declares identity: true and an sql object sets them", sets(set))
}

// serialColumn reports whether col of t is a serial column as the spec
// declares one (serial: true): NOT NULL, of an integer type, its default
// nextval of the sequence it owns, that sequence UNLOGGED as its table is
// (setting a table UNLOGGED sets the sequences it owns so). Options of
// the sequence other than a serial's are set by an sql object
// (serialOptions), and so is its comment. Other columns taking a sequence's values
// keep the default, and their sequence is an sql object.
func (c *converter) serialColumn(t *CatTable, col *CatColumn) bool {
	if col.Identity != "" || col.Generated != "" || !col.NotNull || col.Sequence == "" || intMax[col.Type] == 0 ||
		col.Default != "nextval('"+quoteIdent(col.Sequence)+"'::regclass)" {
		return false
	}
	s := c.sequence(col.Sequence)
	return s != nil && s.OwnedBy == t.Name+"."+col.Name && intMax[s.Type] != 0 && s.Unlogged == t.Unlogged
}

// intMax is the largest value of each integer type.
var intMax = map[string]int64{"smallint": 1<<15 - 1, "integer": 1<<31 - 1, "bigint": 1<<63 - 1}

// sequence returns the sequence of the schema with the given name, or
// nil.
func (c *converter) sequence(name string) *CatSequence {
	i := slices.IndexFunc(c.cat.Sequences, func(s CatSequence) bool { return s.Name == name })
	if i < 0 {
		return nil
	}
	return &c.cat.Sequences[i]
}

// serialOptions returns the options of the sequence s of a serial column
// of type typ that differ from those PostgreSQL gives a serial's (its
// type, 1 to the type's largest value, cache 1, no cycle), as ALTER
// SEQUENCE takes them, and those that set them back; a new start
// restarts the sequence, as it does for a sequence made with it.
func serialOptions(s *CatSequence, typ string) (set, reset []string) {
	set, reset = identitySeqOptions(SeqOptions{Start: s.Start, Increment: s.Inc, Min: s.Min, Max: s.Max, Cache: s.Cache, TypeMax: intMax[s.Type], Cycle: s.Cycle})
	for i, o := range set {
		if strings.HasPrefix(o, "START WITH ") {
			set[i], reset[i] = o+" RESTART", reset[i]+" RESTART"
		}
	}
	if s.Type != typ {
		set, reset = append([]string{"AS " + s.Type}, set...), append([]string{"AS " + typ}, reset...)
	}
	return set, reset
}

// identitySequenceNames keeps the names of the sequences of spec tables'
// identity columns that are not the names PostgreSQL gives them: one
// kept through a rename of its table (jobs_id_seq of _private_jobs), or
// numbered as its name was taken then (jobs_id_seq1). Migrations make
// the sequence with its table, under the name PostgreSQL chooses
// (names.ChooseRelationName; the tables in name order), and an sql object
// after the tables renames it. A table kept as SQL names its sequence
// in its CREATE TABLE (columnDDL). A rename to the name PostgreSQL gave
// another sequence goes after that sequence's rename, as does a table
// kept as SQL whose sequence has that name.
func (c *converter) identitySequenceNames() {
	taken := c.relationsNamed()
	for s := range c.serials {
		delete(taken, s) // made with its table, as an identity's is
	}
	type rename struct {
		o      *object
		target string
	}
	var renames []rename
	byMade, byName, renamedTo := map[string]*object{}, map[string]*object{}, map[string]*object{}
	for _, st := range c.tables {
		t := st.cat
		for _, col := range t.Columns {
			serial := c.serials[col.Sequence]
			if (col.Identity == "" && !serial) || col.Sequence == "" {
				continue
			}
			made := names.ChooseRelationName(t.Name, col.Name, "seq", taken)
			taken[made] = true
			deps := []string{t.Name} // of a serial's options object
			if made != col.Sequence {
				o := &object{name: c.objName(col.Sequence, "name"), kind: "other",
					sql:       fmt.Sprintf("ALTER SEQUENCE %s RENAME TO %s", quoteIdent(made), quoteIdent(col.Sequence)),
					drop:      fmt.Sprintf("ALTER SEQUENCE %s RENAME TO %s", quoteIdent(col.Sequence), quoteIdent(made)),
					dependsOn: []string{t.Name}}
				c.add(&c.alters, o)
				for _, d := range c.seqDefaults[col.Sequence] {
					d.dependsOn = appendUnique(d.dependsOn, o.name) // under its name
				}
				renames = append(renames, rename{o, col.Sequence})
				byMade[made], byName[o.name], renamedTo[col.Sequence] = o, o, o
				deps = append(deps, o.name) // under its name
				kind := "identity"
				if serial {
					kind = "serial"
				}
				c.find("column", t.Name+"."+col.Name, Kept, "its %s's sequence is named %s, where PostgreSQL names the one migrations make with the table %s: an sql object renames it", kind, col.Sequence, made)
			}
			if col.Identity != "" && col.IdentityUnlogged != t.Unlogged {
				c.identityPersistence(t, col, deps)
			}
			if !serial {
				continue
			}
			if set, reset := serialOptions(c.sequence(col.Sequence), col.Type); len(set) > 0 {
				alter := "ALTER SEQUENCE " + quoteIdent(col.Sequence) + " "
				c.add(&c.alters, &object{name: c.objName(col.Sequence, "options"), kind: "other",
					sql: alter + strings.Join(set, " "), drop: alter + strings.Join(reset, " "), dependsOn: deps})
				c.find("column", t.Name+"."+col.Name, Kept, "its serial's sequence has options (%s): the spec declares serial: true and an sql object sets them", strings.Join(set, " "))
			}
			if seq := c.sequence(col.Sequence); seq.Comment != "" {
				q := quoteIdent(col.Sequence)
				c.add(&c.alters, &object{name: c.objName(col.Sequence, "comment"), kind: "other",
					sql: commentSQL("SEQUENCE", q, seq.Comment), drop: "COMMENT ON SEQUENCE " + q + " IS NULL", dependsOn: deps})
				c.find("column", t.Name+"."+col.Name, Kept, "its serial's sequence has a comment: the spec declares serial: true and an sql object sets it")
			}
		}
	}
	for _, r := range renames {
		if first := byMade[r.target]; first != nil && !reaches(byName, first, r.o.name) {
			r.o.dependsOn = appendUnique(r.o.dependsOn, first.name)
		}
	}
	for _, o := range c.sqlTables {
		t := find.First(c.cat.Tables, func(t *CatTable) bool { return c.objNameOf(t.Name) == o.name })
		if t == nil {
			continue
		}
		for _, col := range t.Columns {
			if first := byMade[col.Sequence]; col.Identity != "" && first != nil {
				o.dependsOn = appendUnique(o.dependsOn, first.name)
			}
			// A default taking the values of a serial's renamed sequence
			// (a partition's, which PARTITION OF does not give it).
			if r := renamedTo[nextvalSeq(col.Default)]; r != nil {
				o.dependsOn = appendUnique(o.dependsOn, r.name)
			}
		}
	}
}

// identityPersistence keeps the sequence of identity column col of spec
// table t when it is UNLOGGED and its table is not, or the other way
// round (ALTER SEQUENCE … SET UNLOGGED after the table was made), which
// the spec cannot declare: migrations make the sequence as its table is
// (setting a table unlogged sets the sequences it owns so), and an sql
// object after the table, its sequence's rename (in deps) and the
// object setting the table unlogged sets it.
func (c *converter) identityPersistence(t *CatTable, col *CatColumn, deps []string) {
	set, reset := "UNLOGGED", "LOGGED"
	if !col.IdentityUnlogged {
		set, reset = reset, set
	}
	if o := c.unlogged[t.Name]; o != nil {
		deps = appendUnique(slices.Clone(deps), o.name)
	}
	alter := "ALTER SEQUENCE " + quoteIdent(col.Sequence) + " SET "
	c.add(&c.alters, &object{name: c.objName(col.Sequence, strings.ToLower(set)), kind: "other",
		sql: alter + set, drop: alter + reset, dependsOn: deps})
	c.find("column", t.Name+"."+col.Name, Kept, "its identity's sequence is %s, its table %s, which the spec cannot declare: an sql object sets the sequence %s",
		set, reset, strings.ToLower(set))
}

// buildTable fills a spec table from its catalog table.
func (c *converter) buildTable(st *specTable) {
	t := st.cat
	byNum := map[int16]*specColumn{}
	for _, col := range t.Columns {
		typ, _ := c.columnType(col)
		sc := &specColumn{cat: col, typ: typ, nullable: !col.NotNull}
		sc.collation, _ = c.columnCollation(col, typ)
		if strings.Contains(col.Type, "(6)") && !strings.Contains(typ, "(6)") {
			c.precision6++
			if bare, ok := withoutNullDefault(col); ok {
				// Without the precision, the cast is none: PostgreSQL
				// would store no default, which is what NULL is.
				c.nullDefaults6++
				col = bare
			}
		}
		_, named := sqlNamed(typ)
		domainTyped := col.ElemKind == "d" && !named
		nullDomainDefault := ""
		if bare, ok := withoutNullDefault(col); ok && domainTyped && col.Identity == "" {
			// A NULL default is no default of the base type, which
			// PostgreSQL stores none of, but of the domain it is
			// (it keeps the cast to the domain, and overrides a
			// default of the domain's): the object giving the column
			// the domain sets it, and the spec declares none.
			nullDomainDefault = col.Default
			col = bare
		}
		sc.cat = col
		switch col.Identity {
		case "d":
			sc.identity = true
		case "a":
			sc.identity = true
			c.add(&c.alters, &object{name: c.objName(t.Name, col.Name, "identity_always"), kind: "other",
				sql:       fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET GENERATED ALWAYS", quoteIdent(t.Name), quoteIdent(col.Name)),
				drop:      fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET GENERATED BY DEFAULT", quoteIdent(t.Name), quoteIdent(col.Name)),
				dependsOn: []string{t.Name}})
			c.find("column", t.Name+"."+col.Name, Kept, "GENERATED ALWAYS AS IDENTITY: the spec declares identity: true (BY DEFAULT) and an sql object sets ALWAYS; Create still omits it only when the insert struct's field is unset")
		}
		if col.Identity != "" {
			c.identityOptions(t, col)
			c.identityComment(t, col)
		}
		sc.serial = c.serials[col.Sequence] // the sequence this column owns
		if col.Generated == "s" {
			// A generated column's expression is its pg_attrdef entry.
			sc.generated = strings.TrimSpace(col.Default)
		} else if col.Default != "" && col.Identity == "" && !sc.serial {
			why := ""
			if len(col.DefaultUses) > 0 {
				why = c.earlyCalls(col.DefaultUses, fmt.Sprintf("the default of column %s.%s calls it", t.Name, col.Name))
			}
			if why != "" {
				c.columnDefaultObject(t, col, fmt.Sprintf("calls %s, so it cannot be created before the tables: an sql object after them sets the default and the spec declares none, so Create always sends the insert struct's field, and the default applies only to inserts that leave the column out (raw SQL)", why))
			} else if seq, owner := c.otherSerial(t, col); seq != "" {
				o := c.columnDefaultObject(t, col, fmt.Sprintf("takes the values of %s, the sequence of a serial column of table %s, which the migrations make with that table: an sql object after the tables sets the default and the spec declares none, so Create always sends the insert struct's field, and the default applies only to inserts that leave the column out (raw SQL)", seq, owner))
				o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(owner))
				c.seqDefaults[seq] = append(c.seqDefaults[seq], o)
			} else {
				sc.def = defaultValue(col.Default, typ)
			}
		}
		deps := []string{t.Name}
		if domainTyped {
			typed := c.objName(t.Name, col.Name, "type")
			// Giving the column its domain gives it the domain's storage:
			// its settings come after.
			deps = append(deps, typed)
			alter := fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s ", quoteIdent(t.Name), quoteIdent(col.Name))
			sql, drop, also := alter+"TYPE "+col.Type, alter+"TYPE "+typ, ""
			if nullDomainDefault != "" {
				sql += ", ALTER COLUMN " + quoteIdent(col.Name) + " SET DEFAULT " + nullDomainDefault
				drop = alter + "DROP DEFAULT, ALTER COLUMN " + quoteIdent(col.Name) + " TYPE " + typ
				also = " and its DEFAULT " + nullDomainDefault + ", which is no default of the base type"
			}
			c.add(&c.alters, &object{name: typed, kind: "other", sql: sql, drop: drop,
				dependsOn: []string{t.Name, c.objNameOf(col.ElemName)}})
			c.columnTypes[t.Name+"\x00"+col.Name] = typed
			c.find("column", t.Name+"."+col.Name, Kept, "its type is the domain %s: the spec declares the base type %s and an sql object gives the column the domain%s", col.Type, typ, also)
		}
		if set, reset := columnSettings(t, col); set != "" {
			c.add(&c.alters, &object{name: c.objName(t.Name, col.Name, "settings"), kind: "other", sql: set, drop: reset, dependsOn: deps})
			c.find("column", t.Name+"."+col.Name, Kept, "its statistics target, options, storage or compression, which specs do not declare: an sql object sets them")
		}
		st.columns = append(st.columns, sc)
		byNum[col.Num] = sc
	}
	for _, k := range t.Constraints {
		c.constraint(st, k, byNum)
	}
	for _, x := range t.Indexes {
		c.index(st, x, byNum)
	}
	if len(t.Options) > 0 {
		var keys []string
		for _, o := range t.Options {
			k, _, _ := strings.Cut(o, "=")
			keys = append(keys, k)
		}
		c.add(&c.alters, &object{name: c.objName(t.Name, "storage"), kind: "other",
			sql:       fmt.Sprintf("ALTER TABLE %s SET (%s)", quoteIdent(t.Name), strings.Join(t.Options, ", ")),
			drop:      fmt.Sprintf("ALTER TABLE %s RESET (%s)", quoteIdent(t.Name), strings.Join(keys, ", ")),
			dependsOn: []string{t.Name}})
		c.find("table", t.Name, Kept, "its storage options (%s), which specs do not declare: an sql object sets them", strings.Join(t.Options, ", "))
	}
	if t.Unlogged {
		o := &object{name: c.objName(t.Name, "unlogged"), kind: "other",
			sql: fmt.Sprintf("ALTER TABLE %s SET UNLOGGED", quoteIdent(t.Name)), drop: fmt.Sprintf("ALTER TABLE %s SET LOGGED", quoteIdent(t.Name)),
			dependsOn: []string{t.Name}}
		c.add(&c.alters, o)
		c.unlogged[t.Name] = o
		c.find("table", t.Name, Kept, "it is UNLOGGED, which specs do not declare: an sql object sets it unlogged")
	}
	if set, reset := rowSecurity(t); set != "" {
		c.add(&c.alters, &object{name: c.objName(t.Name, "row_security"), kind: "other", sql: set, drop: reset, dependsOn: []string{t.Name}})
		c.find("table", t.Name, Kept, "row-level security is enabled or forced on it, which specs do not declare: an sql object sets it")
	}
	if m := partKeyRE.FindStringSubmatch(t.PartKey); m != nil {
		st.partBy = strings.ToLower(m[1])
		for _, k := range strings.Split(m[2], ", ") {
			st.partKey = append(st.partKey, strings.Trim(k, `"`))
		}
	}
	if c.opts.DetectBehaviours {
		c.behaviours(st)
	}
}

// defaultValue writes a column default as the spec takes it: integers
// and booleans as they are, a string literal of the column's own type
// as a string, a call without arguments as written, anything else as
// {sql: …}. Each form gives the catalog the same expression back.
func defaultValue(expr, typ string) any {
	switch {
	case expr == "true" || expr == "false" || intRE.MatchString(expr):
		if intRE.MatchString(expr) {
			if t := pgtypes.Lookup(typ); t == nil || t.Int == nil {
				return sqlExpr(expr)
			}
		} else if typ != "boolean" {
			return sqlExpr(expr)
		}
		return expr
	case callRE.MatchString(expr):
		return callExpr(expr)
	}
	if m := strRE.FindStringSubmatch(expr); m != nil {
		lit := strings.ReplaceAll(m[1], "''", "'")
		name, _ := splitType(m[2])
		if q := len(name); q > 1 && name[0] == '"' && name[q-1] == '"' {
			name = strings.ReplaceAll(name[1:q-1], `""`, `"`) // an enum named with capitals
		}
		t := pgtypes.Lookup(typ)
		switch {
		case name == typ && t == nil && !strings.HasSuffix(typ, "[]"): // an enum label
			return lit
		case t != nil && t.Name == "text" && name == "text":
			return lit
		}
	}
	return sqlExpr(expr)
}

// constraint puts one constraint on a spec table, or an sql object.
func (c *converter) constraint(st *specTable, k *CatConstraint, byNum map[int16]*specColumn) {
	t := st.cat
	cols := make([]*specColumn, len(k.Columns))
	for i, n := range k.Columns {
		cols[i] = byNum[n]
	}
	switch k.Type {
	case "p":
		if k.Deferrable {
			c.find("primary key", t.Name+"."+k.Name, Changed, "it is DEFERRABLE, which specs do not declare; imported as not deferrable")
		}
		for _, sc := range cols {
			sc.pk = true
			sc.nullable = false
			st.pk = append(st.pk, sc.cat.Name)
		}
		def := names.PrimaryKey(t.Name)
		if strings.Contains(k.Def, " INCLUDE ") {
			if k.Name != def && specName(k.Name) {
				st.pkName, def = k.Name, k.Name
			}
			c.includeKey(st, k, def)
			return
		}
		name := k.Name
		if k.Name != def && !c.renameConstraint(t, k, def) {
			st.pkName = k.Name
		} else if k.Name != def {
			name = def
		}
		c.keyOptions(t, k, name)
		c.constraintComment(t, k)
	case "u":
		if sc := sqlNamedColumn(cols); sc != nil {
			c.constraintObject(t, k, fmt.Sprintf("its column %s has type %s, which cpcgen does not model, and a spec's unique keys hold only types it does", sc.cat.Name, sc.cat.Type))
			return
		}
		if len(cols) == 1 && cols[0].unique {
			// A second unique constraint over the column (Trieve's
			// users_email_unique beside users_email_key, alter_table's
			// tt9): the column's unique: declares one.
			c.constraintObject(t, k, fmt.Sprintf("column %s has another unique constraint (%s), and a spec declares one a column", cols[0].cat.Name, cmp.Or(cols[0].uniqueName, names.Constraint(t.Name, cols[0].cat.Name, "key"))))
			return
		}
		if len(cols) == 1 && !k.Deferrable && !strings.Contains(k.Def, "NULLS NOT DISTINCT") && !strings.Contains(k.Def, " INCLUDE ") && !soleKey(t, k.Columns) {
			cols[0].unique = true
			name := k.Name
			if def := names.Constraint(t.Name, cols[0].cat.Name, "key"); k.Name != def && !c.renameConstraint(t, k, def) {
				cols[0].uniqueName = k.Name
			} else if k.Name != def {
				name = def
			}
			c.keyOptions(t, k, name)
			c.constraintComment(t, k)
			return
		}
		nnd := strings.Contains(k.Def, "NULLS NOT DISTINCT")
		if (len(cols) > 1 || nnd && !soleKey(t, k.Columns)) && !k.Deferrable && !strings.Contains(k.Def, " INCLUDE ") {
			// A unique index of the spec that is a constraint.
			si := &specIndex{name: k.Name, unique: true, constraint: true, nullsNotDistinct: nnd}
			keyName := []string{t.Name}
			for _, sc := range cols {
				si.parts = append(si.parts, sc.cat.Name)
				keyName = append(keyName, sc.cat.Name)
			}
			// PostgreSQL makes one key of those a CREATE TABLE lists
			// over the same columns: another one stays an sql object,
			// made after the table.
			if first := sameKey(t, st, k, si); first != "" {
				c.constraintObject(t, k, fmt.Sprintf("its columns are those of %s, in the same order, and CREATE TABLE makes one key of both; an sql object adds it after the table", first))
				return
			}
			if def := names.Constraint(append(keyName, "key")...); k.Name != def && c.renameConstraint(t, k, def) {
				si.name = def
			}
			st.indexes = append(st.indexes, si)
			c.keyOptions(t, k, si.name)
			c.constraintComment(t, k)
			return
		}
		c.constraintObject(t, k, uniqueWhy(k, len(cols)))
	case "f":
		if x := uniqueIndexNamed(t, k.Name); x != nil {
			c.constraintObject(t, k, sameNameWhy(x))
			return
		}
		target := c.specTables[k.RefTable]
		ok := len(cols) == 1 && k.Match == "s" && k.Validated && target != nil && k.RefSchema == c.cat.Schema
		var refCol *CatColumn
		if ok {
			refCol = target.cat.Column(k.RefColumns[0])
			ok = refCol != nil && c.isKey(target.cat, k) && c.keyCompatible(cols[0].typ, refCol)
		}
		if !ok {
			c.constraintObject(t, k, c.fkWhy(k, cols, target))
			return
		}
		if cols[0].cat.NotNull && (k.OnDelete == "n" || k.OnUpdate == "n") {
			c.constraintObject(t, k, "it sets NULL into a NOT NULL column on delete or update (which then fails), as specs refuse")
			return
		}
		if strings.Contains(k.Def, " ON DELETE SET NULL (") || strings.Contains(k.Def, " ON DELETE SET DEFAULT (") {
			// PostgreSQL keeps the column list (confdelsetcols) even
			// when it names the key's only column.
			c.constraintObject(t, k, "its ON DELETE names the columns it sets, which a spec's on_delete does not")
			return
		}
		sc := cols[0]
		if sc.references != "" {
			first := sc.referencesName
			if first == "" {
				first = names.Constraint(t.Name, sc.cat.Name, "fkey")
			}
			c.constraintObject(t, k, fmt.Sprintf("column %s has another foreign key, %s (to %s), which is its references:; specs declare one per column", sc.cat.Name, first, sc.references))
			return
		}
		sc.references = k.RefTable + "." + refCol.Name
		sc.onDelete, sc.onUpdate = fkAction(k.OnDelete), fkAction(k.OnUpdate)
		if def := names.Constraint(t.Name, sc.cat.Name, "fkey"); k.Name != def && !c.renameConstraint(t, k, def) {
			sc.referencesName = k.Name
		}
		switch {
		case k.Deferred:
			sc.deferrable = "deferred"
		case k.Deferrable:
			sc.deferrable = "immediate"
		}
		c.constraintComment(t, k)
	case "c":
		expr, ok := checkExpr(k.Def)
		if !ok || !k.Validated || k.NoInherit {
			c.constraintObject(t, k, checkWhy(k, ok))
			return
		}
		if len(k.Uses) > 0 {
			if why := c.earlyCalls(k.Uses, fmt.Sprintf("check %s of table %s calls it", k.Name, t.Name)); why != "" {
				c.constraintObject(t, k, "it calls "+why+", so it cannot be created before the tables")
				return
			}
		}
		if !specName(k.Name) {
			c.constraintObject(t, k, fmt.Sprintf("its name %q is not a plain SQL name, which the spec's checks: take", k.Name))
			return
		}
		if x := uniqueIndexNamed(t, k.Name); x != nil {
			c.constraintObject(t, k, sameNameWhy(x))
			return
		}
		if keptArrayCast.MatchString(k.Def) {
			for _, n := range k.Columns {
				typed := c.columnTypes[t.Name+"\x00"+byNum[n].cat.Name]
				if typed == "" {
					continue
				}
				// Giving the column its domain (ALTER COLUMN … TYPE)
				// makes the check again from PostgreSQL's text of it,
				// which reads back with each element cast: another
				// check, which migrate diff then changed back.
				c.constraintObject(t, k, fmt.Sprintf("it compares column %s, which an sql object gives a domain, with an array: PostgreSQL would make it again from its own text, another expression, when that object changes the column's type; an sql object adds it after", byNum[n].cat.Name))
				o := c.later[len(c.later)-1]
				o.dependsOn = appendUnique(o.dependsOn, typed)
				return
			}
		}
		c.constraintComment(t, k)
		if len(cols) == 1 && cols[0] != nil && k.Name == names.Constraint(t.Name, cols[0].cat.Name, "check") && cols[0].check == "" {
			cols[0].check = expr
			return
		}
		st.checks = append(st.checks, [2]string{k.Name, expr})
	default:
		c.constraintObject(t, k, "specs do not declare exclusion constraints yet")
	}
}

// includeKey keeps a primary key with INCLUDE columns, which specs do
// not declare: the spec declares the key (named specName) without them,
// and an sql object after the tables replaces it with the key as it is,
// its name and comment with it. Foreign keys referencing it are sql
// objects after that one (isKey), as PostgreSQL cannot drop a key they
// use.
func (c *converter) includeKey(st *specTable, k *CatConstraint, specName string) {
	t := st.cat
	tq := quoteIdent(t.Name)
	var cols []string
	for _, col := range st.pk {
		cols = append(cols, quoteIdent(col))
	}
	o := &object{name: c.objName(t.Name, k.Name, "include"), kind: "other",
		sql: fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s, ADD CONSTRAINT %s %s", tq, quoteIdent(specName), quoteIdent(k.Name), k.Def) +
			indexOptions(k) + constraintComments(t.Name, k),
		drop:      fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s, ADD CONSTRAINT %s PRIMARY KEY (%s)", tq, quoteIdent(k.Name), quoteIdent(specName), strings.Join(cols, ", ")),
		dependsOn: []string{c.objNameOf(t.Name)}}
	c.add(&c.alters, o)
	c.keyObjects[t.Name+"."+k.Name] = o.name
	_, include, _ := strings.Cut(k.Def, " INCLUDE ")
	c.find("primary key", t.Name+"."+k.Name, Kept, "it has INCLUDE %s, which specs do not declare: the spec declares the key without it, and an sql object after the tables makes it again with it", include)
}

// isKey reports whether the column of t that foreign key fk references
// is its single-column primary key or has a single-column unique
// constraint, as the spec declares it: not one an sql object makes after
// the tables (deferrable, NULLS NOT DISTINCT, with INCLUDE), which a
// foreign key the spec declares would come before. So is a column unique
// by the index the key uses (Prisma's @unique), when that is a unique
// index of the column alone, without predicate, that the spec declares:
// a spec's references: may name a column a unique index covers.
func (c *converter) isKey(t *CatTable, fk *CatConstraint) bool {
	num := fk.RefColumns[0]
	for _, k := range t.Constraints {
		if (k.Type == "p" || k.Type == "u") && len(k.Columns) == 1 && k.Columns[0] == num {
			if k.Type == "u" && (k.Deferrable || strings.Contains(k.Def, "NULLS NOT DISTINCT")) || strings.Contains(k.Def, " INCLUDE ") {
				continue
			}
			return true
		}
	}
	x := find.First(t.Indexes, func(x *CatIndex) bool { return x.Name == fk.KeyIndex })
	return x != nil && x.Unique && x.NKeys == 1 && x.KeyCols[0] == num && x.Where == "" && indexWhy(x) == ""
}

func fkAction(a string) string {
	switch a {
	case "c":
		return "cascade"
	case "r":
		return "restrict"
	case "n":
		return "set null"
	case "d":
		return "set default"
	}
	return ""
}

// checkExpr takes the expression out of "CHECK (expr)".
func checkExpr(def string) (string, bool) {
	if !strings.HasPrefix(def, "CHECK (") || !strings.HasSuffix(def, ")") {
		return "", false
	}
	return def[len("CHECK (") : len(def)-1], true
}

var specMethods = map[string]bool{"btree": true, "hash": true, "gist": true, "gin": true, "brin": true}

// indexWhy says why the spec cannot declare index x, or "".
func indexWhy(x *CatIndex) string {
	switch {
	case !specMethods[x.Method]:
		return "its access method " + x.Method + " is not one specs declare"
	case len(x.Include) > 0:
		return "it has INCLUDE columns, which specs do not declare yet"
	case !x.Plain:
		return "it uses an operator class, collation or storage parameter specs do not declare"
	case !specName(x.Name):
		return "its name is not a plain SQL name (letters, digits and underscores, not starting with a digit)"
	case x.NullsNotDistinct && !x.Unique:
		return "it is NULLS NOT DISTINCT without being unique, which PostgreSQL allows and specs declare only on a unique index"
	}
	return ""
}

func (c *converter) index(st *specTable, x *CatIndex, byNum map[int16]*specColumn) {
	t := st.cat
	if why := indexWhy(x); why != "" {
		c.indexObject(t, x, why)
		return
	}
	if x.Unique {
		var cols []*specColumn
		for _, n := range x.KeyCols {
			cols = append(cols, byNum[n])
		}
		if sc := sqlNamedColumn(cols); sc != nil {
			c.indexObject(t, x, fmt.Sprintf("its column %s has type %s, which cpcgen does not model, and a spec's unique indexes hold only types it does", sc.cat.Name, sc.cat.Type))
			return
		}
	}
	if len(x.Uses) > 0 {
		if why := c.earlyCalls(x.Uses, fmt.Sprintf("index %s of table %s calls it", x.Name, t.Name)); why != "" {
			c.indexObject(t, x, "it calls "+why+", so it cannot be created before the tables")
			return
		}
	}
	if x.Comment != "" {
		c.commentObject(c.objName(x.Name, "comment"), t.Name, "INDEX", quoteIdent(x.Name), x.Comment)
		c.find("index", t.Name+"."+x.Name, Kept, "its comment: specs do not declare comments on indexes, so an sql object sets it")
	}
	c.indexStatistics(t, x, "")
	si := &specIndex{name: x.Name, unique: x.Unique, nullsNotDistinct: x.NullsNotDistinct, where: x.Where}
	if x.Method != "btree" {
		si.method = x.Method
	}
	for i := 0; i < x.NKeys; i++ {
		p := indexPart{}
		if n := x.KeyCols[i]; n != 0 {
			p.column = byNum[n].cat.Name
		} else {
			p.expr = x.Keys[i]
		}
		if x.Method == "btree" {
			p.desc = x.Desc[i]
			switch {
			case p.desc && !x.NullsFirst[i]:
				p.nulls = "last"
			case !p.desc && x.NullsFirst[i]:
				p.nulls = "first"
			}
		}
		if p.expr == "" && !p.desc && p.nulls == "" {
			si.parts = append(si.parts, p.column)
		} else {
			si.parts = append(si.parts, p)
		}
	}
	st.indexes = append(st.indexes, si)
}

// behaviours switches on what --detect-behaviours recognises.
func (c *converter) behaviours(st *specTable) {
	col := func(name string) *specColumn {
		for _, sc := range st.columns {
			if sc.cat.Name == name {
				return sc
			}
		}
		return nil
	}
	ts := func(sc *specColumn) bool {
		return sc != nil && sc.typ == "timestamptz" && !sc.nullable && sc.def == callExpr("now()")
	}
	name := st.cat.Name
	if ca, ua := col("created_at"), col("updated_at"); ts(ca) && ts(ua) {
		st.behaviours = append(st.behaviours, "timestamps")
		c.find("table", name, Detected, "timestamps: created_at and updated_at are timestamptz NOT NULL DEFAULT now(); writes now set updated_at")
	}
	keyed := len(st.pk) > 0
	if d := col("deleted_at"); keyed && d != nil && (d.typ == "timestamptz" || d.typ == "timestamp") && d.nullable && d.def == nil {
		st.behaviours = append(st.behaviours, "soft_delete")
		c.find("table", name, Detected, "soft_delete: deleted_at is a nullable timestamp; Delete now sets it, and unique constraints become partial unique indexes WHERE deleted_at IS NULL (migrate diff plans that change)")
	}
	if v := col("version"); keyed && v != nil && v.typ == "bigint" && !v.nullable && v.def == "1" {
		st.behaviours = append(st.behaviours, "optimistic_lock")
		c.find("table", name, Detected, "optimistic_lock: version is bigint NOT NULL DEFAULT 1; Update and Delete now take the version read")
	}
}

// goNames sets go_name where the derived Go names collide.
func (c *converter) goNames() {
	seen := map[string]string{"Store": "the Store type"}
	for _, e := range c.cat.Enums {
		if c.enums[e.Name] && specName(e.Name) {
			seen[names.GoName(e.Name)] = "enum " + e.Name
		}
	}
	// taken returns what already has one of the Go names of a table
	// whose row type is model, or "".
	taken := func(model string) string {
		for _, n := range names.TypesOf(model).All() {
			if prev := seen[n]; prev != "" {
				return prev
			}
		}
		return ""
	}
	for _, st := range c.tables {
		g := names.ModelName(st.cat.Name)
		if prev := taken(g); prev != "" {
			n := g + "Row"
			for i := 2; taken(n) != ""; i++ {
				n = g + "Row" + strconv.Itoa(i)
			}
			st.goName = n
			c.find("table", st.cat.Name, Changed, "its Go names (%s, %sRepo …) would collide with %s; go_name: %s", g, g, prev, n)
			g = n
		}
		for _, n := range names.TypesOf(g).All() {
			seen[n] = "table " + st.cat.Name
		}
		cols := map[string]string{}
		for _, sc := range st.columns {
			g := names.GoName(sc.cat.Name)
			if prev, dup := cols[g]; dup || g == "" {
				n := g + "Col"
				for i := 2; cols[n] != ""; i++ {
					n = g + "Col" + strconv.Itoa(i)
				}
				if g == "" {
					n = "Col" + strconv.Itoa(int(sc.cat.Num))
				}
				sc.goName = n
				c.find("column", st.cat.Name+"."+sc.cat.Name, Changed, "its Go name %q would collide with column %s; go_name: %s", g, prev, n)
				g = n
			}
			cols[g] = sc.cat.Name
		}
	}
}

// laterObjects adds functions, views and triggers, in an order that
// creates each after what it uses.
func (c *converter) laterObjects() {
	cat := c.cat
	var fns, views, trigs []*object
	// fnObjs are the objects of cat.Functions, in its order; fnIndex
	// finds them by name, a function before a procedure and either
	// before an aggregate of the same name (LedgerSMB's compound_array
	// aggregate, whose SFUNC is the function compound_array); fnKinds
	// holds the kind each name found.
	fnObjs := make([]*object, len(cat.Functions))
	fnIndex, fnKinds := map[string]*object{}, map[string]string{}
	early := c.operatorObjects(&fns)
	for i, f := range cat.Functions {
		o := c.function(f)
		if c.beforeTables[f.Name] != "" {
			o.beforeTables = true
			early = append(early, o)
		} else {
			fns = append(fns, o)
		}
		fnObjs[i] = o
		if k := fnKinds[f.Name]; k == "" || k == "a" || f.Kind == "f" || f.Kind == "w" {
			fnIndex[f.Name], fnKinds[f.Name] = o, f.Kind
		}
	}
	viewObj := map[string]*object{}
	for _, v := range cat.Views {
		c.objNames[v.Name] = true
	}
	for _, v := range cat.Views {
		o := c.view(v)
		views = append(views, o)
		viewObj[v.Name] = o
	}
	earlyTypes := c.earlyTypeNames()
	// LANGUAGE sql functions are checked when created: one that reads a
	// view needs it first. Find those uses by name.
	for i, f := range cat.Functions {
		o := fnObjs[i]
		body := strings.Join(f.Defs, "\n")
		if f.Kind == "a" {
			// An aggregate names its functions (SFUNC = first_agg), which
			// must exist when it is created.
			plainBody := strings.ReplaceAll(body, quoteIdent(cat.Schema)+".", "")
			for j, g := range cat.Functions {
				if og := fnObjs[j]; og != o && g.Kind != "a" && mentions(plainBody, g.Name) {
					o.dependsOn = appendUnique(o.dependsOn, og.name)
				}
			}
			continue
		}
		// A function names its planner support function (SUPPORT
		// my_support), which must exist when it is created.
		for _, def := range f.Defs {
			for _, m := range supportRE.FindAllStringSubmatch(def, -1) {
				name := strings.TrimPrefix(m[1], quoteIdent(cat.Schema)+".")
				for j, g := range cat.Functions {
					if og := fnObjs[j]; og != o && (quoteIdent(g.Name) == name || g.Name == name) {
						o.dependsOn = appendUnique(o.dependsOn, og.name)
					}
				}
			}
		}
		// A function created before the tables whose arguments, result
		// or LANGUAGE sql body name a domain or type also created before
		// them (the omnibus sample's is_even(i positive_number), which
		// the domain positive_even_number's check calls) needs it first:
		// the early objects are otherwise in no order among themselves.
		if o.beforeTables {
			for _, def := range f.Defs {
				text, _ := checkedAtCreate(def)
				_, text, _ = strings.Cut(text, "(") // not the function's own name
				for _, t := range earlyTypes {
					if mentions(text, t) || strings.Contains(text, names.QuoteIdent(t)) {
						o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(t))
					}
				}
			}
		}
		// A function whose arguments or result are of a view's row type
		// (pgledger's pgledger_create_account RETURNS SETOF
		// pgledger_accounts_view), whatever its language, needs the view
		// first.
		for _, def := range f.Defs {
			head, _ := checkedAtCreate(def)
			if defLanguage(def) == "sql" {
				head, _, _ = strings.Cut(def, "\nAS ")
			}
			_, head, _ = strings.Cut(head, "(") // not the function's own name
			head = ownUnqualified(head, cat.Schema)
			for _, v := range cat.Views {
				if mentions(head, v.Name) || strings.Contains(head, names.QuoteIdent(v.Name)) {
					o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(v.Name))
				}
			}
		}
		// Each overload by its own language: pgTAP's _relcomp has
		// LANGUAGE sql overloads calling _temptable beside a PL/pgSQL
		// one, which hid them.
		for _, def := range f.Defs {
			switch defLanguage(def) {
			case "plpgsql":
				// PL/pgSQL's check compiles the function when it is
				// created, which resolves the types of the variables its
				// DECLARE sections declare: one of a view's row type
				// (ThingsBoard's result alarm_info; r v%ROWTYPE; x
				// v.col%TYPE) needs the view first.
				decl := ownUnqualified(c.declareSections(def), cat.Schema)
				for _, v := range cat.Views {
					if mentions(decl, v.Name) || strings.Contains(decl, names.QuoteIdent(v.Name)) {
						o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(v.Name))
					}
				}
			case "sql":
				// A view of the schema named with its schema
				// (pgmemento.audit_tables in pgMemento's
				// drop_schema_audit_id) is the view too.
				plain := ownUnqualified(def, cat.Schema)
				for _, v := range cat.Views {
					if mentions(plain, v.Name) {
						o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(v.Name))
					}
				}
				// So does one that calls another function (pagila's
				// film_in_stock calls inventory_in_stock); not when a
				// LANGUAGE sql one of those calls it back, which no
				// order satisfies.
				_, rest, _ := strings.Cut(def, "\n") // not the CREATE line, which names f itself (and an aggregate of its name)
				for j := range cat.Functions {
					g, og := &cat.Functions[j], fnObjs[j]
					if og == o || !callsFunction(rest, g) || callsFunction(strings.Join(sqlDefs(g.Defs), "\n"), &cat.Functions[i]) {
						continue
					}
					o.dependsOn = appendUnique(o.dependsOn, og.name)
				}
			}
		}
	}
	for _, tg := range cat.Triggers {
		trigs = append(trigs, c.trigger(tg))
	}
	trigs = append(trigs, c.triggerStates()...)
	for _, pol := range cat.Policies {
		trigs = append(trigs, &object{name: c.objName(pol.Table, pol.Name, "policy"), kind: "other", sql: pol.SQL,
			drop: "DROP POLICY " + quoteIdent(pol.Name) + " ON " + quoteIdent(pol.Table), dependsOn: []string{c.objNameOf(pol.Table)}})
		c.find("policy", pol.Table+"."+pol.Name, Kept, "row-level security policies are SQL objects of kind other")
	}
	for _, rl := range cat.Rules {
		deps := []string{c.objNameOf(rl.Table)}
		for _, v := range cat.Views {
			if mentions(rl.SQL, v.Name) {
				deps = appendUnique(deps, c.objNameOf(v.Name))
			}
		}
		for _, t := range cat.Tables {
			if mentions(rl.SQL, t.Name) {
				deps = appendUnique(deps, c.objNameOf(t.Name))
			}
		}
		trigs = append(trigs, &object{name: c.objName(rl.Table, rl.Name, "rule"), kind: "other", sql: strings.TrimRight(rl.SQL, " \n;"),
			drop: "DROP RULE " + quoteIdent(rl.Name) + " ON " + quoteIdent(rl.Table), dependsOn: deps})
		c.find("rule", rl.Table+"."+rl.Name, Kept, "rewrite rules are SQL objects of kind other")
	}
	// A cast after the function it calls and the types it converts.
	// It is created before the tables when they all are, so that a
	// check, a default or an index may use it (Liberapay's
	// paid_in_advance::currency, through the cast (currency_amount AS
	// currency) calling get_currency, which the check makes a function
	// created before the tables).
	for _, ca := range cat.Casts {
		o := &object{name: c.objName("cast", strings.Trim(ca.Name, "()")), kind: "other", sql: ca.SQL, drop: "DROP CAST " + ca.Name}
		if f := fnIndex[ca.Function]; f != nil {
			o.dependsOn = []string{f.name}
		}
		o.beforeTables = ca.Function == "" || c.beforeTables[ca.Function] != ""
		for _, t := range ca.Types {
			if !c.earlyType(t) || c.lateTypes[t] {
				o.beforeTables = false
			}
		}
		if o.beforeTables {
			for _, t := range ca.Types {
				o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(t))
			}
			early = append(early, o)
			c.find("cast", ca.Name, Kept, "casts are SQL objects of kind other; this one's function and types are created before the tables, so it is too (before_tables: true), for the checks, defaults and indexes that use it")
			continue
		}
		for _, t := range ca.Types {
			if c.lateTypes[t] || len(c.relationsOf([]string{t})) > 0 {
				o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(t))
			}
		}
		// A LANGUAGE sql function casting to its target (Liberapay's
		// compute_arrears(current_tips) calls compute_arrears(tip::tips)
		// through the cast (current_tips AS tips) WITH INOUT) is
		// resolved when it is created: after the cast.
		if target := castTarget(ca.Name, cat.Schema); target != "" {
			for i, f := range cat.Functions {
				if og := fnObjs[i]; f.Name != ca.Function && castsTo(sqlDefs(f.Defs), target) {
					og.dependsOn = appendUnique(og.dependsOn, o.name)
				}
			}
		}
		fns = append(fns, o)
		c.find("cast", ca.Name, Kept, "casts are SQL objects of kind other, after the function they call")
	}
	for _, st := range cat.Statistics {
		trigs = append(trigs, &object{name: c.objName(st.Name, "statistics"), kind: "other", sql: st.SQL,
			drop: "DROP STATISTICS " + quoteIdent(st.Name), dependsOn: []string{c.objNameOf(st.Table)}})
		c.find("statistics", st.Name, Kept, "extended statistics (CREATE STATISTICS) are SQL objects of kind other, after their table")
	}
	for _, pub := range cat.Publications {
		o := &object{name: c.objName(pub.Name, "publication"), kind: "other", sql: pub.SQL, drop: "DROP PUBLICATION " + quoteIdent(pub.Name)}
		for _, t := range pub.Tables {
			o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(t))
		}
		trigs = append(trigs, o)
		c.find("publication", pub.Name, Kept, "publications of the schema's tables are SQL objects of kind other, after their tables")
	}
	c.early = orderByDeps(append(c.early, early...))
	c.later = append(c.later, orderByDeps(append(fns, views...))...)
	c.later = append(c.later, trigs...)
}

// operatorObjects keeps each operator of the schema as an sql object of
// kind other, after the functions it calls. It is created before the
// tables when those functions can be, so that a check or an index may
// use it, and returned then; otherwise it is added to *later.
func (c *converter) operatorObjects(later *[]*object) []*object {
	var early []*object
	for _, op := range c.cat.Operators {
		o := &object{name: c.objName(operatorWords(op.Name)...), kind: "other", sql: op.SQL, drop: "DROP OPERATOR " + op.Name}
		if n := strings.Count(op.SQL, "\x01"); n > 0 {
			// A COMMUTATOR or NEGATOR of the schema's shadowing one
			// of pg_catalog's: named in the schema it is created in.
			args := make([]string, n)
			for i := range args {
				args[i] = "current_schema()"
			}
			o.sql = fmt.Sprintf("DO $cpcgen$ BEGIN EXECUTE format(%s, %s); END $cpcgen$",
				names.QuoteLiteral(strings.ReplaceAll(strings.ReplaceAll(op.SQL, "%", "%%"), "\x01", "%I")), strings.Join(args, ", "))
		}
		if op.Shadows {
			// pg_catalog's > (integer, integer) is found first by an
			// unqualified name: name the schema the operator is in.
			o.drop = inCurrentSchema("DROP OPERATOR " + operatorInSchema(op.Name))
			if op.Comment != "" {
				o.sql += ";\n" + inCurrentSchema("COMMENT ON OPERATOR "+operatorInSchema(op.Name)+" IS %L", op.Comment)
			}
		} else {
			o.sql += commentOn("OPERATOR", op.Name, op.Comment)
		}
		for _, sh := range op.Shells {
			// The shell operator its CREATE OPERATOR made, which would
			// outlive it and keep its types from being dropped; not
			// once another CREATE OPERATOR has defined it.
			name, args, _ := strings.Cut(sh, " ")
			sig, drop := "'"+strings.ReplaceAll(name+strings.ReplaceAll(args, ", ", ","), "'", "''")+"'", "DROP OPERATOR "+sh
			if slices.Contains(op.ShadowedShells, sh) {
				sig = "quote_ident(current_schema()) || '.' || " + sig
				drop = "EXECUTE format(" + names.QuoteLiteral("DROP OPERATOR "+operatorInSchema(sh)) + ", current_schema())"
			}
			o.drop += ";\nDO $$ BEGIN IF EXISTS (SELECT FROM pg_operator WHERE oid = to_regoperator(" + sig +
				") AND oprcode = 0) THEN " + drop + "; END IF; END $$"
		}
		for _, fn := range op.Uses {
			o.dependsOn = append(o.dependsOn, c.objNameOf(fn))
		}
		if why := c.earlyCalls(op.Uses, "operator "+op.Name+" calls it"); why != "" {
			*later = append(*later, o)
			c.find("operator", op.Name, Kept, "operators are SQL objects of kind other; this one calls %s, so it is created after the tables: a check or an index using it needs it changed by hand", why)
			continue
		}
		o.beforeTables = true
		early = append(early, o)
		c.find("operator", op.Name, Kept, "operators are SQL objects of kind other, created before the tables with the functions they call")
	}
	return early
}

// operatorInSchema is an operator's signature (> (integer, integer)) as
// a format() string naming it in the schema %I is: %I.> (integer,
// integer), the % of its name and types doubled.
func operatorInSchema(sig string) string {
	return "%I." + strings.ReplaceAll(sig, "%", "%%")
}

// operatorWords spells an operator's signature (~<< (text, NONE)) as
// the parts of an sql object name: operator, tilde_lt_lt, text, none.
func operatorWords(sig string) []string {
	sym, args, _ := strings.Cut(sig, " (")
	var w []string
	for _, r := range sym {
		w = append(w, operatorCharWords[r])
	}
	out := []string{"operator", strings.Join(w, "_")}
	for _, a := range strings.Split(strings.TrimSuffix(args, ")"), ", ") {
		out = append(out, strings.ToLower(a))
	}
	return out
}

// operatorCharWords are the words of the characters operator names are
// made of.
var operatorCharWords = map[rune]string{'+': "plus", '-': "minus", '*': "star", '/': "slash", '<': "lt", '>': "gt", '=': "eq",
	'~': "tilde", '!': "bang", '@': "at", '#': "hash", '%': "percent", '^': "caret", '&': "amp", '|': "bar", '`': "backtick", '?': "qmark"}

// declareSections returns the DECLARE sections of the PL/pgSQL function
// definition def (its overloads' definitions), names qualified by the
// imported schema unqualified. A view's name is found in them as
// mentions finds it, or quoted. The bodies are read as tokens: a
// comment or a string constant saying "begin" or "declare" neither ends
// nor starts a section, and string constants are left out.
func (c *converter) declareSections(def string) string {
	var b strings.Builder
	toks, err := sqllex.Lex(def)
	if err != nil {
		// Not text PostgreSQL printed; read it whole.
		b.WriteString(def)
	}
	for _, t := range toks {
		tag, ok := sqllex.DollarTag(t.Text, 0)
		if t.Kind != sqllex.String || !ok || len(t.Text) < 2*len(tag) {
			continue
		}
		body, err := sqllex.Lex(t.Text[len(tag) : len(t.Text)-len(tag)])
		if err != nil {
			b.WriteString(t.Text + "\n")
			continue
		}
		in, end := false, -1
		for _, bt := range body {
			switch {
			case bt.Is("declare"):
				in, end = true, -1
			case bt.Is("begin"):
				if in {
					b.WriteString("\n")
				}
				in = false
			case in && bt.Kind != sqllex.String:
				if end >= 0 && bt.Off > end {
					b.WriteByte(' ')
				}
				b.WriteString(bt.Text)
				end = bt.End()
			}
		}
	}
	out := b.String()
	if c.cat.Schema != "" {
		for _, q := range []string{quoteIdent(c.cat.Schema) + ".", c.cat.Schema + "."} {
			out = strings.ReplaceAll(out, q, "")
		}
	}
	return out
}

var wordCache = map[string]*regexp.Regexp{}

// mentions reports whether text holds name as a whole word.
func mentions(text, name string) bool {
	re := wordCache[name]
	if re == nil {
		re = regexp.MustCompile(`(?i)(^|[^a-z0-9_."])` + regexp.QuoteMeta(name) + `($|[^a-z0-9_"])`)
		wordCache[name] = re
	}
	return re.MatchString(text)
}

// languageRE matches the LANGUAGE line of pg_get_functiondef's header.
var languageRE = regexp.MustCompile(`(?mi)^\s*LANGUAGE\s+"?([a-z0-9_]+)"?\s*$`)

// defLanguage returns the language of a function as pg_get_functiondef
// prints it (the first LANGUAGE line, in its header), in lower case;
// "" when there is none.
func defLanguage(def string) string {
	m := languageRE.FindStringSubmatch(def)
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

// sqlDefs returns those of defs whose language is sql.
func sqlDefs(defs []string) []string {
	var out []string
	for _, d := range defs {
		if defLanguage(d) == "sql" {
			out = append(out, d)
		}
	}
	return out
}

// ownUnqualified removes from text the qualifier of the schema's own
// names (app. in any case, or "app".; "My App". for a name that needs
// quotes), so that mentions finds them: a qualified name is another
// schema's to it.
func ownUnqualified(text, schema string) string {
	re := wordCache["."+schema]
	if re == nil {
		q := regexp.QuoteMeta(quoteIdent(schema))
		if quoteIdent(schema) == schema {
			q = `(?i:` + q + `|"` + q + `")`
		}
		re = regexp.MustCompile(`(^|[^a-zA-Z0-9_."])` + q + `\.`)
		wordCache["."+schema] = re
	}
	return re.ReplaceAllString(text, "$1")
}

// calls reports whether text calls the function name, schema-qualified
// or not: name followed by an opening parenthesis.
func calls(text, name string) bool {
	re := wordCache["("+name]
	if re == nil {
		re = regexp.MustCompile(`(?i)(^|[^a-z0-9_"])"?` + regexp.QuoteMeta(name) + `"?\s*\(`)
		wordCache["("+name] = re
	}
	return re.MatchString(text)
}

// callsFunction reports whether text calls function f: by name
// followed by an opening parenthesis (calls), or, when an overload of f
// takes one argument, in attribute notation, its name after a dot
// (Supabase postgres-meta's details_is_long(todos) reading
// $1.details_length, which PostgreSQL resolves as details_length($1)
// when it creates the LANGUAGE sql function). A constant naming it as a
// regproc or regprocedure ('f'::regproc, 'app.f(integer)'::regprocedure)
// counts too: PostgreSQL looks the function up when it reads the
// constant, as it creates the function whose body holds it.
func callsFunction(text string, f *CatFunction) bool {
	if calls(text, f.Name) {
		return true
	}
	reg := wordCache["'"+f.Name+"'"]
	if reg == nil {
		reg = regexp.MustCompile(`(?i)'(?:[^'.]*\.)?(?:` + regexp.QuoteMeta(f.Name) + `|"` + regexp.QuoteMeta(f.Name) + `")(?:\s*\([^']*\))?'\s*::\s*(?:pg_catalog\.)?regproc(?:edure)?\b`)
		wordCache["'"+f.Name+"'"] = reg
	}
	if reg.MatchString(text) {
		return true
	}
	if !slices.ContainsFunc(f.Args, func(a string) bool { return a != "" && !strings.Contains(a, ",") }) {
		return false
	}
	re := wordCache["."+f.Name+"."]
	if re == nil {
		re = regexp.MustCompile(`(?i)\.\s*(` + regexp.QuoteMeta(f.Name) + `|"` + regexp.QuoteMeta(f.Name) + `")($|[^a-z0-9_"(])`)
		wordCache["."+f.Name+"."] = re
	}
	return re.MatchString(text)
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// orderByDeps orders objects after those of them they depend on,
// keeping their order otherwise.
func orderByDeps(objs []*object) []*object {
	index := map[string]int{}
	for i, o := range objs {
		index[o.name] = i
	}
	placed := make([]bool, len(objs))
	var out []*object
	var visit func(i int, depth int)
	visit = func(i, depth int) {
		if placed[i] || depth > len(objs) {
			return
		}
		for _, d := range objs[i].dependsOn {
			if j, ok := index[d]; ok && j != i {
				visit(j, depth+1)
			}
		}
		if !placed[i] {
			placed[i] = true
			out = append(out, objs[i])
		}
	}
	for i := range objs {
		visit(i, 0)
	}
	return out
}

var fnHeadRE = regexp.MustCompile(`^CREATE OR REPLACE (FUNCTION|PROCEDURE) `)

func (c *converter) function(f CatFunction) *object {
	var stmts []string
	kinds := map[string]string{"f": "function", "w": "function", "p": "procedure", "a": "aggregate"}
	kind := kinds[f.Kind]
	keyword := strings.ToUpper(kind)
	q := quoteIdent(c.cat.Schema) + "."
	order := overloadOrder(f)
	for _, i := range order {
		def := strings.TrimRight(f.Defs[i], " \n;")
		if m := fnHeadRE.FindStringIndex(def); m != nil {
			head := def[:m[1]]
			def = head + strings.TrimPrefix(def[m[1]:], q)
		}
		stmts = append(stmts, def)
		if f.Shadows[i] && f.Comments[i] != "" {
			stmts = append(stmts, inCurrentSchema("COMMENT ON "+keyword+" %I.%I(%s) IS %L", f.Name, f.Args[i], f.Comments[i]))
			continue
		}
		stmts[len(stmts)-1] += commentOn(keyword, quoteIdent(f.Name)+"("+f.Args[i]+")", f.Comments[i])
	}
	shadows := slices.Index(f.Shadows, true)
	o := &object{name: c.objNameOf(f.Name), kind: kind, sql: strings.Join(stmts, ";\n")}
	if f.BodyError != "" {
		// Created as the database has it, unchecked: an object of kind
		// other, as an object of kind function must start with its
		// CREATE statement.
		o.sql = "SET check_function_bodies = off;\n" + o.sql + ";\nRESET check_function_bodies"
	}
	// A procedure named like a function of the schema (CREATE FUNCTION
	// x(int) beside CREATE PROCEDURE x(text)) cannot be an object of
	// its own name: functions and procedures share one namespace in the
	// specs, where the overloads of a name are one object, of one kind.
	procBesideFunction := f.Kind == "p" && slices.ContainsFunc(c.cat.Functions, func(g CatFunction) bool {
		return g.Name == f.Name && (g.Kind == "f" || g.Kind == "w")
	})
	if f.Kind == "a" || procBesideFunction || !plain(f.Name) || f.BodyError != "" || shadows >= 0 {
		var drops []string
		for k := len(order) - 1; k >= 0; k-- {
			i, a := order[k], f.Args[order[k]]
			if f.Shadows[i] {
				drops = append(drops, inCurrentSchema("DROP "+keyword+" %I.%I(%s)", f.Name, a))
				continue
			}
			drops = append(drops, fmt.Sprintf("DROP %s %s(%s)", keyword, quoteIdent(f.Name), a))
		}
		o.kind, o.drop = "other", strings.Join(drops, ";\n")
		if f.Kind == "a" {
			o.name = c.objName(f.Name, "aggregate")
		}
		if procBesideFunction {
			o.name = c.objName(f.Name, "procedure")
		}
	}
	c.objNames[o.name] = true
	if f.BodyError != "" {
		c.find(kind, f.Name, Changed, "its body does not pass PostgreSQL's check (%s): it was created with check_function_bodies off, as pg_dump's files do, or went stale since (it names a table or column renamed or dropped later), and the sql object creates it with the check off too; fix the body", clipText(f.BodyError))
		return o
	}
	if shadows >= 0 {
		c.find(kind, f.Name, Kept, "it has the name and arguments of the built-in pg_catalog.%s(%s), which PostgreSQL finds first for an unqualified name, whatever the search_path: the sql object comments on it and drops it by the name of the schema it is created in (current_schema()); call it by its schema's name", quoteIdent(f.Name), f.Args[shadows])
	} else if by := c.beforeTables[f.Name]; by != "" {
		c.find(kind, f.Name, Kept, "%s, so it is created before the tables (before_tables: true); read it with a raw query; migrations create, replace and drop it", by)
	} else {
		c.find(kind, f.Name, Kept, "read it with a raw query; migrations create, replace and drop it")
	}
	return o
}

// supportRE finds the planner support function pg_get_functiondef
// writes on a line of its own: SUPPORT my_support.
var supportRE = regexp.MustCompile(`(?m)^\s*SUPPORT\s+(\S+)\s*$`)

// inCurrentSchema is a DO block running the statement format() makes of
// format, whose first two %I are the schema it runs in
// (current_schema()) and an object's name, and of args: what names an
// object of the schema where an unqualified name would find another,
// as one of pg_catalog's of the same name.
func inCurrentSchema(format string, args ...string) string {
	params := []string{"current_schema()"}
	for _, a := range args {
		params = append(params, names.QuoteLiteral(a))
	}
	return fmt.Sprintf("DO $cpcgen$ BEGIN EXECUTE format(%s, %s); END $cpcgen$", names.QuoteLiteral(format), strings.Join(params, ", "))
}

func (c *converter) view(v CatView) *object {
	kw := "VIEW"
	kind := "view"
	if v.Materialized {
		kw, kind = "MATERIALIZED VIEW", "materialized_view"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE %s %s", kw, quoteIdent(v.Name))
	if len(v.Options) > 0 {
		b.WriteString(" WITH (" + strings.Join(v.Options, ", ") + ")")
	}
	b.WriteString(" AS\n")
	b.WriteString(strings.TrimRight(v.Def, " \n;"))
	for _, ix := range v.Indexes {
		b.WriteString(";\n" + unqualify(ix, c.cat.Schema))
	}
	b.WriteString(commentOn(kw, quoteIdent(v.Name), v.Comment))
	b.WriteString(columnCommentsSQL(v.Name, v.ColumnComments))
	for _, cd := range v.ColumnDefaults {
		fmt.Fprintf(&b, ";\nALTER VIEW %s ALTER COLUMN %s SET DEFAULT %s", quoteIdent(v.Name), quoteIdent(cd[0]), cd[1])
	}
	for _, ic := range v.IndexComments {
		b.WriteString(commentOn("INDEX", quoteIdent(ic[0]), ic[1]))
	}
	for _, is := range v.IndexStatistics {
		col, target, _ := strings.Cut(is[1], " ")
		fmt.Fprintf(&b, ";\nALTER INDEX %s ALTER COLUMN %s SET STATISTICS %s", quoteIdent(is[0]), col, target)
	}
	if v.ClusterOn != "" {
		fmt.Fprintf(&b, ";\nALTER MATERIALIZED VIEW %s CLUSTER ON %s", quoteIdent(v.Name), quoteIdent(v.ClusterOn))
	}
	for _, cs := range v.ColumnSettings {
		fmt.Fprintf(&b, ";\nALTER MATERIALIZED VIEW %s ALTER COLUMN %s %s", quoteIdent(v.Name), quoteIdent(cs[0]), cs[1])
	}
	o := &object{name: c.objNameOf(v.Name), kind: kind, sql: b.String()}
	for _, u := range v.Uses {
		o.dependsOn = appendUnique(o.dependsOn, c.objNameOf(u))
	}
	// A column the view reads that an object gives its domain: that
	// object, dropped and created again (its domain changes), changes
	// the column's type, which PostgreSQL refuses while the view reads
	// it, and the view's column has the domain only once it ran.
	for _, tc := range v.ColumnUses {
		if typed := c.columnTypes[tc[0]+"\x00"+tc[1]]; typed != "" {
			o.dependsOn = appendUnique(o.dependsOn, typed)
		}
	}
	if !plain(v.Name) {
		o.kind, o.drop = "other", "DROP "+kw+" "+quoteIdent(v.Name)
	}
	c.find(strings.ReplaceAll(kind, "_", " "), v.Name, Kept, "a view states no key and PostgreSQL does not record its columns' nullability, so no view: model is written; read it with a raw query, or declare it as a model (view:, docs/spec.md)")
	return o
}

func (c *converter) trigger(tg CatTrigger) *object {
	sql := strings.TrimRight(tg.Def, " \n;") + commentOn("TRIGGER", quoteIdent(tg.Name)+" ON "+quoteIdent(tg.Table), tg.Comment)
	switch tg.Enabled {
	case "D":
		sql += fmt.Sprintf(";\nALTER TABLE %s DISABLE TRIGGER %s", quoteIdent(tg.Table), quoteIdent(tg.Name))
	case "A":
		sql += fmt.Sprintf(";\nALTER TABLE %s ENABLE ALWAYS TRIGGER %s", quoteIdent(tg.Table), quoteIdent(tg.Name))
	case "R":
		sql += fmt.Sprintf(";\nALTER TABLE %s ENABLE REPLICA TRIGGER %s", quoteIdent(tg.Table), quoteIdent(tg.Name))
	}
	o := &object{name: tg.Name, kind: "trigger", sql: sql}
	if c.specTables[tg.Table] == nil {
		o.dependsOn = []string{c.objNameOf(tg.Table)}
	}
	c.stateOfClones(tg, o)
	if !plain(tg.Name) || !plain(tg.Table) {
		o.kind = "other"
		o.name = c.objName(tg.Table, tg.Name, "trigger")
		o.drop = "DROP TRIGGER " + quoteIdent(tg.Name) + " ON " + quoteIdent(tg.Table)
	}
	c.find("trigger", tg.Table+"."+tg.Name, Kept, "triggers are SQL objects; migrations create them after their table and function")
	return o
}

// triggerStates keeps the states of the triggers PostgreSQL made on
// partitions from their parents' that are enabled otherwise than those
// (ALTER TABLE partition DISABLE TRIGGER …, as pg_dump writes them),
// where the trigger they were made from is another schema's table's
// (the schema's partitions of another schema's table): an sql object
// for each partition, after it, whose reverse gives them their parents'
// states again. Those made from a trigger of the schema are set by that
// trigger's object (stateOfClones).
func (c *converter) triggerStates() []*object {
	stateSQL := map[string]string{"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}
	var objs []*object
	byTable := map[string]*object{}
	for _, ts := range c.cat.TriggerStates {
		if ts.RootTable != "" {
			continue
		}
		alter := func(state string) string {
			return fmt.Sprintf("ALTER TABLE %s %s TRIGGER %s", quoteIdent(ts.Table), stateSQL[state], quoteIdent(ts.Name))
		}
		o := byTable[ts.Table]
		if o == nil {
			o = &object{name: c.objName(ts.Table, "trigger_states"), kind: "other"}
			if t := find.First(c.cat.Tables, func(t *CatTable) bool { return t.Name == ts.Table }); t != nil {
				o.dependsOn = []string{c.madeBy(t)}
			}
			byTable[ts.Table] = o
			objs = append(objs, o)
		}
		o.sql = strings.TrimPrefix(o.sql+";\n"+alter(ts.Enabled), ";\n")
		o.drop = strings.TrimSuffix(alter(ts.ParentEnabled)+";\n"+o.drop, ";\n")
		c.find("trigger", ts.Table+"."+ts.Name, Kept, "PostgreSQL made it on the partition from its parent's, and it is enabled otherwise (%s): an sql object sets that state", alter(ts.Enabled))
	}
	return objs
}

// stateOfClones adds to o, the object of trigger tg, the statements
// giving the triggers PostgreSQL makes from it on the partitions of its
// table their states where they are enabled otherwise than their
// parents' (ALTER TABLE partition DISABLE TRIGGER …, as pg_dump writes
// them; a partition of a level before those below it), and makes o
// depend on the partitions kept as SQL. Dropping the trigger drops them.
func (c *converter) stateOfClones(tg CatTrigger, o *object) {
	stateSQL := map[string]string{"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}
	for _, ts := range c.cat.TriggerStates {
		if ts.Name != tg.Name || ts.RootTable != tg.Table {
			continue
		}
		alter := fmt.Sprintf("ALTER TABLE %s %s TRIGGER %s", quoteIdent(ts.Table), stateSQL[ts.Enabled], quoteIdent(ts.Name))
		o.sql += ";\n" + alter
		if t := find.First(c.cat.Tables, func(t *CatTable) bool { return t.Name == ts.Table }); t != nil {
			if made := c.madeBy(t); c.specTables[made] == nil {
				o.dependsOn = appendUnique(o.dependsOn, made) // not the spec table that declares it
			}
		}
		c.find("trigger", ts.Table+"."+ts.Name, Kept, "PostgreSQL made it on the partition from %s's, and it is enabled otherwise (%s): the object of trigger %s sets that state", tg.Table, alter, tg.Name)
	}
}

func quoteIdent(s string) string {
	if plain(s) && !reserved[s] {
		return s
	}
	return names.QuoteIdent(s)
}

func clipText(s string) string {
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToUpper(s), strings.ToUpper(sub))
}

// reserved are the key words PostgreSQL does not take as plain names
// (its reserved key words), which quoteIdent quotes.
var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate
collation column concurrently constraint create cross current_catalog current_date current_role current_schema current_time
current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze from full
grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references returning right
select session_user similar some symmetric system_user table tablesample then to trailing true union unique user using
variadic verbose when where window with`) {
		m[w] = true
	}
	return m
}()

// sortFindings orders the report: by kind, then name, then action.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Kind != fs[j].Kind {
			return fs[i].Kind < fs[j].Kind
		}
		return fs[i].Name < fs[j].Name
	})
}

// uniqueIndexNamed is the unique index of t named name that the spec
// would declare (one that is no constraint: PostgreSQL lets a foreign key
// or a check have the name of such an index, as Ecto's unique_index and
// references truncated to 63 bytes may give them), or nil. A spec's
// constraint names are its sentinels' and must differ from its unique
// indexes' names, so the constraint is an sql object. Whether the index
// itself ends up an sql object for another reason (a column type cpcgen
// does not model, a function) is not asked: the constraint is then an
// sql object when it need not be, which still round-trips.
func uniqueIndexNamed(t *CatTable, name string) *CatIndex {
	return find.First(t.Indexes, func(x *CatIndex) bool { return x.Unique && x.Name == name && indexWhy(x) == "" })
}

// sameNameWhy says why a constraint named like the unique index x is an
// sql object.
func sameNameWhy(x *CatIndex) string {
	return fmt.Sprintf("its name is also the name of the unique index on (%s), which a spec's constraints may not share (each name is one sentinel's)", strings.Join(x.Keys, ", "))
}

func uniqueWhy(k *CatConstraint, n int) string {
	switch {
	case n == 1 && !k.Deferrable && !strings.Contains(k.Def, " INCLUDE "):
		return "its column is the primary key by itself, which a spec does not declare unique again"
	case k.Deferrable:
		return "it is DEFERRABLE, which specs do not declare"
	}
	return "it has INCLUDE columns, which specs do not declare"
}

// sameKey returns the name of the primary key of t over the columns of
// the unique constraint k, in their order, or of a unique constraint
// of st before it over them (as NULLS NOT DISTINCT as si), or "".
func sameKey(t *CatTable, st *specTable, k *CatConstraint, si *specIndex) string {
	for _, p := range t.Constraints {
		if p.Type == "p" && slices.Equal(p.Columns, k.Columns) {
			return p.Name
		}
	}
	for _, x := range st.indexes {
		if x.constraint && x.unique && x.nullsNotDistinct == si.nullsNotDistinct && slices.Equal(x.parts, si.parts) {
			return x.name
		}
	}
	return ""
}

// soleKey reports whether cols are the columns of t's primary key, a
// key of one column.
func soleKey(t *CatTable, cols []int16) bool {
	return len(cols) == 1 && slices.ContainsFunc(t.Constraints, func(k *CatConstraint) bool {
		return k.Type == "p" && slices.Equal(k.Columns, cols)
	})
}

// keyCompatible reports whether a column of spec type fk may reference
// the key column key, as the spec's loader decides (spec's
// keyCompatible): the same type whatever its modifiers, or types of one
// key family (pgtypes.Type.KeyFamily), with as many array dimensions.
// PostgreSQL accepts more (a char(6) column referencing a varchar(6)
// key), which specs refuse.
func (c *converter) keyCompatible(fk string, key *CatColumn) bool {
	keyType, _ := c.columnType(key)
	_, fkSQL := sqlNamed(fk)
	_, keySQL := sqlNamed(keyType)
	if fkSQL || keySQL {
		return false // a type named by its SQL keys nothing in a spec
	}
	fkName, fkDims := splitArray(fk)
	keyName, keyDims := splitArray(keyType)
	if fkDims != keyDims {
		return false
	}
	if fkName == keyName {
		return true
	}
	a, b := pgtypes.Find(fkName), pgtypes.Find(keyName)
	return a != nil && b != nil && a.KeyFamily != "" && a.KeyFamily == b.KeyFamily
}

// splitArray splits a spec type into its name, without modifiers, and
// its array dimensions: "varchar(6)[]" → "varchar", 1.
func splitArray(typ string) (string, int) {
	dims := 0
	for strings.HasSuffix(typ, "[]") {
		typ, dims = strings.TrimSuffix(typ, "[]"), dims+1
	}
	name, _ := splitType(typ)
	return name, dims
}

func (c *converter) fkWhy(k *CatConstraint, cols []*specColumn, target *specTable) string {
	switch n := len(cols); {
	case n > 1:
		return "it has several columns; specs declare foreign keys of one column (references:)"
	case k.RefSchema != c.cat.Schema:
		return "it references a table of another schema"
	case target == nil:
		return "it references " + k.RefTable + ", a table kept as SQL"
	case k.Match != "s":
		return "it is MATCH FULL, which specs do not declare"
	case !k.Validated:
		return "it is NOT VALID, which specs do not declare"
	}
	if key := target.cat.Column(k.RefColumns[0]); key != nil && c.isKey(target.cat, k) {
		keyType, _ := c.columnType(key)
		return fmt.Sprintf("it references %s.%s, of type %s, from a column of type %s; specs declare references: between columns of one type (or of one family: smallint, integer and bigint; text and varchar)", k.RefTable, key.Name, keyType, cols[0].typ)
	}
	if key := find.First(target.cat.Constraints, func(x *CatConstraint) bool { return x.Name == k.KeyIndex && len(x.Columns) == 1 }); key != nil {
		return fmt.Sprintf("it references key %s of %s, which an sql object makes after the tables", key.Name, k.RefTable)
	}
	if x := find.First(target.cat.Indexes, func(x *CatIndex) bool { return x.Name == k.KeyIndex }); x != nil {
		return fmt.Sprintf("it references %s.%s, unique by index %s, which an sql object makes after the tables: %s", k.RefTable, target.cat.Column(k.RefColumns[0]).Name, x.Name, indexWhy(x))
	}
	return "it references a column that is not the primary key or unique"
}

func checkWhy(k *CatConstraint, parsed bool) string {
	switch {
	case !k.Validated:
		return "it is NOT VALID, which specs do not declare"
	case k.NoInherit:
		return "it is NO INHERIT, which specs do not declare"
	}
	return "its definition is not CHECK (expression)"
}

// castTarget is the target type of the cast named name ("(source AS
// target)"), without the schema's name, or "" for a target named
// otherwise (quoted, of another schema).
func castTarget(name, schema string) string {
	_, target, ok := strings.Cut(strings.TrimSuffix(name, ")"), " AS ")
	target = strings.TrimPrefix(target, quoteIdent(schema)+".")
	if !ok || !plain(target) {
		return ""
	}
	return target
}

// castsTo reports whether the LANGUAGE sql definitions defs, their
// CREATE lines left out (which name the function's arguments), cast to
// type target: x::target or CAST(x AS target), with or without a schema.
func castsTo(defs []string, target string) bool {
	t := `(\w+\.)?"?` + regexp.QuoteMeta(target) + `"?`
	re := regexp.MustCompile(`(?i)::\s*` + t + `([^\w"]|$)|\bAS\s+` + t + `\s*\)`)
	for _, def := range defs {
		if _, rest, _ := strings.Cut(def, "\n"); re.MatchString(rest) {
			return true
		}
	}
	return false
}
