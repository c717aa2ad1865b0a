package generator

import (
	"fmt"

	"strconv"
	"strings"
	"unicode"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// Build turns a validated project into the IR: it computes every Go name,
// Go type and SQL statement once, and rejects what the spec allows but Go
// cannot express (names that collide after conversion, for one), all
// problems at once, as a spec.ErrorList.
func Build(proj *spec.Project) (*ir.Package, error) {
	b := &builder{
		proj:   proj,
		enums:  map[string]*ir.Enum{},
		idents: map[string]identUse{},
		files:  map[string]identUse{},
		tables: map[string]*ir.Table{},
		// methods are filled per table as methods are named.
		methods:       map[*ir.Table]map[string]identUse{},
		clash:         map[*ir.Table]bool{},
		sentinelTable: map[string]*ir.Table{},
		// colChecks are filled as rules are built.
		colChecks:  map[*ir.Column][]*ir.Constraint{},
		tableSpec:  map[*ir.Table]*spec.Table{},
		columnSpec: map[*ir.Column]*spec.Column{},
		querySpec:  map[*ir.Query]*spec.Query{},
		irTable:    map[*spec.Table]*ir.Table{},
		irColumn:   map[*spec.Column]*ir.Column{},
	}
	pkg := &ir.Package{
		Name:       proj.Config.Package.Name,
		ImportPath: proj.Config.Package.ImportPath,
		Dir:        proj.Config.Package.Dir,
		Store:      proj.Config.Package.Store,
		DocsDir:    proj.Config.Docs.Dir,
		Sources:    proj.Files,
	}
	if pkg.Store == "" {
		pkg.Store = "Store"
	}
	pkg.NewStore = "New" + pkg.Store
	// The Store's own members.
	b.storeFields = map[string]string{"DB": "the " + pkg.Store + " method DB", "InTx": "the " + pkg.Store + " method InTx", "InTxWith": "the " + pkg.Store + " method InTxWith"}
	b.storeName = pkg.Store
	for _, name := range []string{pkg.Store, pkg.NewStore} {
		b.idents[name] = identUse{what: "the generated " + name, pos: proj.Config.Package.StorePos,
			fix: "name the " + pkg.Store + " otherwise with store: under package: in " + proj.Config.File}
	}
	for _, name := range fixedIdents {
		b.idents[name] = identUse{what: "generated " + name}
	}
	for _, name := range fixedFiles {
		b.files[name] = identUse{what: "the package's " + name}
	}
	for _, e := range proj.Enums {
		pkg.Enums = append(pkg.Enums, b.buildEnum(e))
	}
	for _, t := range proj.Tables {
		if t.View != nil {
			pkg.Views = append(pkg.Views, b.buildView(t))
			continue
		}
		pkg.Tables = append(pkg.Tables, b.buildTable(t))
	}
	for _, t := range pkg.Tables {
		b.buildReferences(t)
	}
	for _, t := range pkg.Tables {
		for _, h := range hooks(t) {
			h.check(b, pkg, t)
		}
		pkg.Constraints = append(pkg.Constraints, t.Constraints...)
	}
	b.buildEngine(pkg)
	// Bulk methods, upserts and relations need every table; queries come
	// last, so that a query named like a generated method is the one
	// reported.
	for _, t := range pkg.Tables {
		b.buildBatch(t)
		b.buildUniqueKeys(t)
		b.buildBulkWrite(t)
	}
	for _, t := range pkg.Tables {
		b.buildBelongsTo(t)
	}
	referrers := referringTables(pkg.Tables)
	for _, t := range pkg.Tables {
		b.buildRelations(t, referrers[t])
	}
	for _, t := range pkg.Tables {
		b.buildReadsDeleted(t)
	}
	for _, t := range append(pkg.Tables[:len(pkg.Tables):len(pkg.Tables)], pkg.Views...) {
		for _, sq := range b.tableSpec[t].Queries {
			if q := b.buildQuery(t, sq, pkg.Tables); q != nil {
				t.Queries = append(t.Queries, q)
			}
		}
	}
	markScanned(pkg)
	markActingQueries(pkg)
	b.partitionObjects(pkg)
	b.constraintObjects(pkg)
	b.buildObjects(pkg)
	for _, t := range pkg.Tables {
		for _, h := range hooks(t) {
			h.finish(b, pkg, t)
		}
	}
	if err := b.errs.Err(); err != nil {
		return nil, err
	}
	pkg.Warnings = Warnings(proj)
	return pkg, nil
}

// fixedIdents are the package-level names every generated package
// declares besides the Store and its constructor, whose names the config
// chooses.
var fixedIdents = []string{"storeRepos", "errs"}

// fixedFiles are the package-level files every generated package holds.
var fixedFiles = []string{"store.gen.go", "enums.gen.go", "schema.sql"}

type builder struct {
	proj  *spec.Project
	enums map[string]*ir.Enum
	// idents are the package-level Go names declared so far and what
	// declares them; files likewise for output file names.
	idents map[string]identUse
	files  map[string]identUse
	// storeFields are the Store's member names and what they are;
	// storeName is the Store's Go name.
	storeFields map[string]string
	storeName   string
	// tables are the built tables by SQL name; methods the method names
	// of each table's repository and what declares them.
	tables  map[string]*ir.Table
	methods map[*ir.Table]map[string]identUse
	// clash marks the tables whose Go names collide with another's.
	clash map[*ir.Table]bool
	// sentinelTable is the table of each constraint sentinel declared.
	sentinelTable map[string]*ir.Table
	// firstTenant is the first tenant table checked, whose tenant column
	// the others' must match (tenant.check).
	firstTenant *ir.Table
	// queryTables counts, per query name, the tables that have a query of
	// that name (see sharedQueryName).
	queryTables map[string]int
	// colChecks are the CHECK constraints of each column's rules.
	colChecks map[*ir.Column][]*ir.Constraint
	// tableSpec, columnSpec and querySpec lead from the IR back to the
	// spec it is built from, for the builder's own use: the IR itself
	// holds no spec. irTable and irColumn lead the other way.
	tableSpec  map[*ir.Table]*spec.Table
	columnSpec map[*ir.Column]*spec.Column
	querySpec  map[*ir.Query]*spec.Query
	irTable    map[*spec.Table]*ir.Table
	irColumn   map[*spec.Column]*ir.Column
	// rowShapes are the tables by the shape of their rows (rowShape),
	// the first of each shape, for the results of raw queries.
	rowShapes map[string]*ir.Table
	errs      spec.ErrorList
}

type identUse struct {
	what string
	pos  spec.Pos
	// fix says how to give the declaring thing another name ("give the
	// table another Go name with go_name:"), or "".
	fix string
}

// The fixes of Go name collisions, by what declares the name.
const (
	fixTable = "give the table another Go name with go_name:"
	fixEnum  = "give the enum another Go name with go_name:"
)

// repoMethod records a method name of t's repository, reporting a
// collision with a method named before.
func (b *builder) repoMethod(t *ir.Table, name, what string, pos spec.Pos) bool {
	m := b.methods[t]
	if m == nil {
		m = map[string]identUse{}
		b.methods[t] = m
	}
	if prev, ok := m[name]; ok {
		where := ""
		if prev.pos.IsValid() {
			where = " at " + prev.pos.String()
		}
		b.errs.Add(pos, "%s would be the method %s.%s, which is already %s%s; rename one of them", what, t.Repo, name, prev.what, where)
		return false
	}
	m[name] = identUse{what: what, pos: pos}
	return true
}

// declare records a package-level Go name, reporting a collision.
func (b *builder) declare(name, what string, pos spec.Pos) bool {
	return b.declareFix(name, what, "", pos)
}

// declareFix is declare for a name that the spec can change as fix says.
// A collision's message ends with the fixes of both sides, or "rename
// one of them".
func (b *builder) declareFix(name, what, fix string, pos spec.Pos) bool {
	if prev, ok := b.idents[name]; ok {
		where := ""
		if prev.pos.IsValid() {
			where = " at " + prev.pos.String()
		}
		advice := "rename one of them"
		switch {
		case fix != "" && prev.fix != "" && fix != prev.fix:
			advice = fix + ", or " + prev.fix
		case fix != "":
			advice = fix
		case prev.fix != "":
			advice = prev.fix
		}
		b.errs.Add(pos, "%s would be named %s in Go, which is already %s%s; %s", what, name, prev.what, where, advice)
		return false
	}
	b.idents[name] = identUse{what: what, pos: pos, fix: fix}
	return true
}

// declareDerived declares an unexported name derived from t's Go names
// (statement constants, scanners, loaders). When those names already
// collide with another table's, that collision is the error to report,
// not each of its consequences.
func (b *builder) declareDerived(t *ir.Table, name, what string, pos spec.Pos) {
	if b.clash[t] {
		return
	}
	b.declare(name, what, pos)
}

// declareColumnDerived declares and returns the unexported name prefix +
// model + field + suffix derived from a column of t. Two tables' names
// can spell the same one (ledger_transactions.group_id and
// ledger_transaction_groups.id: LedgerTransaction+GroupID and
// LedgerTransactionGroup+ID), and an imported database cannot rename
// its tables for a name the code never exports: the later of them then
// has an underscore between model and field, which no Go name derived
// from a table's or a column's name has.
func (b *builder) declareColumnDerived(t *ir.Table, c *ir.Column, prefix, suffix, what string, pos spec.Pos) string {
	model := t.Model
	if prefix == "" {
		model = names.LowerGoName(model)
	}
	name := prefix + model + c.Field + suffix
	if _, taken := b.idents[name]; taken && !b.clash[t] {
		name = prefix + model + "_" + c.Field + suffix
	}
	b.declareDerived(t, name, what, pos)
	return name
}

func (b *builder) buildEnum(e *spec.Enum) *ir.Enum {
	out := &ir.Enum{
		SQLName: e.Name,
		Quoted:  names.QuoteIdent(e.Name),
		GoName:  names.GoName(e.Name),
		Comment: e.Comment,
		Source:  e.Pos.File,
		Pos:     e.Pos,

		RenamedFrom: e.RenamedFrom,
	}
	pos := e.Pos
	if e.GoName != "" {
		out.GoName, pos = e.GoName, e.GoNamePos
	}
	b.enums[e.Name] = out
	b.declareFix(out.GoName, fmt.Sprintf("enum %q", e.Name), fixEnum, pos)
	seen := map[string]string{}
	for i, v := range e.Values {
		suffix := names.GoName(v.Name)
		switch {
		case v.Name == "":
			suffix = "Empty"
		case suffix == "":
			suffix = "Value" + strconv.Itoa(i+1)
		}
		val := &ir.EnumValue{Label: v.Name, GoName: out.GoName + suffix, RenamedFrom: v.RenamedFrom}
		if _, ok := seen[val.GoName]; ok {
			// Labels that differ only in what is not a letter or digit
			// ("in_progress", "in progress"): the later one is known by
			// its position too, as a database's labels cannot be renamed
			// at will.
			val.GoName += "Value" + strconv.Itoa(i+1)
		}
		if prev, ok := seen[val.GoName]; ok {
			b.errs.Add(v.Pos, "enum %q: labels %q and %q both become the Go constant %s; rename one of them", e.Name, prev, v.Name, val.GoName)
			continue
		}
		seen[val.GoName] = v.Name
		b.declare(val.GoName, fmt.Sprintf("label %q of enum %q", v.Name, e.Name), v.Pos)
		out.Values = append(out.Values, val)
	}
	return out
}

// families are the method families of a table: its own methods:, or
// cpcgen.yaml's.
func families(project spec.Methods, table *spec.Methods) ir.Families {
	m := project
	if table != nil {
		m = *table
	}
	return ir.Families{CRUD: m.CRUD, Batch: m.Batch, Upsert: m.Upsert, Relations: m.Relations}
}

// markScanned sets Scanned on the tables whose rows generated code reads
// into their model: by their own methods, a query returning their rows,
// or a many-to-many relation reaching them; and on every view.
func markScanned(pkg *ir.Package) {
	for _, t := range pkg.Tables {
		f := t.Families
		t.Scanned = t.Scanned || f.CRUD || f.Batch || f.Upsert
		for _, r := range t.Relations {
			if !r.Generated() {
				continue
			}
			switch r.Kind {
			case ir.BelongsTo:
				t.Scanned = true
			case ir.ManyToMany:
				if r.Skipped == "" {
					r.Target.Scanned = true
				}
			}
		}
	}
	for _, t := range append(pkg.Tables[:len(pkg.Tables):len(pkg.Tables)], pkg.Views...) {
		for _, q := range t.Queries {
			if q.Result != nil && q.Result.Table != nil {
				q.Result.Table.Scanned = true
			}
		}
	}
	for _, v := range pkg.Views {
		v.Scanned = true
	}
}

func (b *builder) buildTable(st *spec.Table) *ir.Table {
	// Plural names the Store field: the table's name in Go, or the
	// plural of go_name:. Many names what holds many rows in relation
	// methods (LoadOrders): the plural of the row type when the table's
	// name is singular.
	model, plural, many, pos := names.ModelName(st.Name), names.GoName(st.Name), names.GoName(st.Name), st.Pos
	if st.GoName != "" {
		model, plural, many, pos = st.GoName, names.Plural(st.GoName), names.Plural(st.GoName), st.GoNamePos
	} else if many == model {
		many = names.Plural(model)
	}
	types := names.TypesOf(model)
	t := &ir.Table{
		SQLName:    st.Name,
		Quoted:     names.QuoteIdent(st.Name),
		Model:      model,
		Plural:     plural,
		Many:       many,
		Repo:       types.Repo,
		NewType:    types.NewType,
		UpdateType: types.UpdateType,
		Op:         st.Name,
		Source:     st.File,
		Comment:    st.Comment,
		Scan:       "scan" + model,
		PKName:     pkName(st),
		Pos:        st.Pos,

		RenamedFrom: st.RenamedFrom,
	}
	t.Families = families(b.proj.Config.Methods, st.Methods)
	b.tableSpec[t], b.irTable[st] = st, t
	what := fmt.Sprintf("table %q", st.Name)
	b.checkReserved(st)
	if prev, ok := b.storeFields[t.Plural]; ok {
		b.errs.Add(pos, "%s would be the %s field %s, which is already %s; %s", what, b.storeName, t.Plural, prev, fixTable)
		b.clash[t] = true
	}
	b.storeFields[t.Plural] = what
	if !b.declareFix(t.Model, "the row type of "+what, fixTable, pos) {
		b.clash[t] = true
	}
	b.declareFix(t.Repo, "the repository of "+what, fixTable, pos)
	b.declareFix(t.NewType, "the insert struct of "+what, fixTable, pos)
	b.declareFix(t.UpdateType, "the update struct of "+what, fixTable, pos)
	b.declareFix(types.NewRepo, "the repository constructor of "+what, fixTable, pos)
	t.File = b.fileName(st)

	byName := map[string]*ir.Column{}
	fields := map[string]string{}
	for _, sc := range st.Columns {
		c := b.buildColumn(sc)
		if prev, ok := fields[c.Field]; ok {
			pos := sc.Pos
			if sc.GoName != "" {
				pos = sc.GoNamePos
			}
			b.errs.Add(pos, "columns %q and %q of table %q both become the Go field %s; give one of them another Go name with go_name:", prev, sc.Name, st.Name, c.Field)
			continue
		}
		fields[c.Field] = sc.Name
		t.Columns = append(t.Columns, c)
		byName[sc.Name] = c
	}
	for _, pk := range st.PrimaryKey {
		if c := byName[pk.Name]; c != nil {
			t.PK = append(t.PK, c)
		}
	}
	for _, c := range t.Columns {
		// A unique column has a constraint of its own (the spec refuses
		// unique: on the primary key by itself; a column of a composite
		// key may be unique alone).
		if c.Unique {
			c.UniqueName = b.uniqueName(t, c)
		}
		if c.Check != "" {
			c.CheckName = names.Constraint(t.SQLName, c.SQLName, "check")
		}
	}
	b.buildPartition(st, t)
	b.claimBehaviours(st, t)
	if st.View == nil {
		// A materialized view's indexes are in the SQL of its object.
		for _, ix := range st.Indexes {
			t.Indexes = append(t.Indexes, b.buildIndex(t, ix))
		}
	}
	scopeUniqueKeys(t, st)
	for _, c := range t.Columns {
		if c.Identity || c.Generated != "" || c.Managed != ir.NotManaged || c == t.Tenant {
			continue
		}
		t.Insert = append(t.Insert, c)
		if !c.PrimaryKey {
			t.Updatable = append(t.Updatable, c)
		}
	}
	// Parameters of PK-taking methods must not clash with each other, nor
	// with the locals of the methods that take them.
	params := map[string]bool{"tenant": true, "version": true, "db": true}
	for _, c := range t.PK {
		for params[c.Param] {
			c.Param += "_"
		}
		params[c.Param] = true
	}
	t.Validates = validates(t.Insert) || validates(t.Updatable)
	if st.View == nil {
		// A view has no constraints, so no sentinels.
		b.buildConstraints(t)
	}
	t.SQL = crudSQL(t)
	methods := crudMethods
	if t.Keyless() {
		methods = keylessMethods
		t.Notes = append(t.Notes, "The table has no primary key: FindByID, List, Update, Delete and the batch methods by key are not generated; FindAll and Stream return the rows in no particular order.")
	}
	for _, bh := range t.Behaviours {
		methods = append(methods[:len(methods):len(methods)], bh.Methods...)
	}
	for _, m := range methods {
		b.repoMethod(t, m, "the generated method "+m, spec.Pos{})
	}
	for _, s := range []ir.Statement{t.SQL.Create, t.SQL.FindByID, t.SQL.FindAll, t.SQL.ListFirst, t.SQL.ListAfter,
		t.SQL.Update, t.SQL.Delete, t.SQL.Count, t.SQL.HardDelete, t.SQL.Restore, t.SQL.Exists, t.SQL.AuditTrail} {
		b.declareStatement(t, s, st.Pos)
	}
	b.declareDerived(t, t.Scan, "the row scanner of "+what, st.Pos)
	t.Args, t.UpdateArgs, t.UpdateVar = "args"+t.NewType, "args"+t.UpdateType, "update"+t.Plural
	b.declareDerived(t, t.Args, "the arguments of "+t.NewType, st.Pos)
	b.declareDerived(t, t.UpdateArgs, "the arguments of "+t.UpdateType, st.Pos)
	b.declareDerived(t, t.UpdateVar, "the statements of "+t.Repo+".Update", st.Pos)
	b.tables[st.Name] = t
	return t
}

// crudMethods are the methods every repository has.
var crudMethods = []string{"Create", "FindByID", "FindAll", "Stream", "List", "Update", "Delete", "Count"}

// keylessMethods are the methods of a repository of a table without a
// primary key.
var keylessMethods = []string{"Create", "FindAll", "Stream", "Count"}

// declareStatement declares the constants of a statement of t (its own
// and its WithDeleted variant's); a statement without a constant is not
// generated.
func (b *builder) declareStatement(t *ir.Table, s ir.Statement, pos spec.Pos) {
	if s.Const == "" {
		return
	}
	b.declareDerived(t, s.Const, "a statement constant of "+t.Repo, pos)
	if s.WithDeleted != nil {
		b.declareDerived(t, s.WithDeleted.Const, "a statement constant of "+t.Repo, pos)
	}
	if s.OwnsPrefix {
		b.declareDerived(t, s.Prefix.Const, "a statement constant of "+t.Repo, pos)
	}
}

// pkName is the name of a table's primary key constraint:
// primary_key_name:, or the one PostgreSQL gives it (names.PrimaryKey).
func pkName(st *spec.Table) string {
	if st.PrimaryKeyName != "" {
		return st.PrimaryKeyName
	}
	return names.PrimaryKey(st.Name)
}

// constraintObjects adds to pkg.Objects what Atlas, which plans the
// tables, cannot say of their constraints, as objects cpcgen makes
// itself, each after its table:
//   - a primary key with a name of its own (primary_key_name:): renamed
//     from the name PostgreSQL gives it when Atlas creates the table;
//     dropping the object names it back, so a changed name is the object
//     dropped and created again;
//   - a deferrable foreign key (deferrable:): made DEFERRABLE after Atlas
//     creates it; dropping the object makes it NOT DEFERRABLE.
//
// A key renamed to the name PostgreSQL gives another table's key (a
// table renamed, and a new one made under its old name: b_pkey on a,
// b_pkey1 on the new b) is renamed after that key is renamed away.
func (b *builder) constraintObjects(pkg *ir.Package) {
	// keyRenames are the primary key name objects by the name they
	// rename from.
	keyRenames := map[string]*ir.Object{}
	for _, t := range pkg.Tables {
		st := b.tableSpec[t]
		add := func(key, noun, name, create, drop string, pos spec.Pos) *ir.Object {
			o := &ir.Object{
				Key: key, Kind: "other", Noun: noun, Name: name, Table: t.SQLName,
				Create: create, Drop: drop, DependsOn: []string{ir.TableKey(t.SQLName)},
				Source: st.File, Pos: pos, SQLPos: pos,
			}
			pkg.Objects = append(pkg.Objects, o)
			return o
		}
		// Each object's SQL starts with a comment stating the constraint
		// as Atlas makes it: when that changes, Atlas drops the constraint
		// and adds it again, and the object, changed too, is undone before
		// and done again after.
		alter := "ALTER TABLE " + t.Quoted + " "
		if derived := names.PrimaryKey(t.SQLName); len(t.PK) > 0 && t.PKName != derived {
			cols := make([]string, len(t.PK))
			for i, c := range t.PK {
				cols[i] = c.Quoted
			}
			rename := func(from, to string) string {
				return alter + "RENAME CONSTRAINT " + names.QuoteIdent(from) + " TO " + names.QuoteIdent(to)
			}
			keyRenames[derived] = add("primary key "+t.PKName+" of "+t.SQLName, ir.NounPrimaryKeyName, t.PKName,
				"-- PRIMARY KEY ("+strings.Join(cols, ", ")+")\n"+rename(derived, t.PKName), rename(t.PKName, derived), st.PrimaryKeyNamePos)
		}
		for _, c := range t.Columns {
			ref := b.columnSpec[c].References
			if ref == nil || ref.Deferrable == "" {
				continue
			}
			fk := fkName(t, c, ref)
			def := fmt.Sprintf("-- FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE %s ON UPDATE %s\n", c.Quoted,
				names.QuoteIdent(ref.Table.Name), names.QuoteIdent(ref.Column.Name), fkAction(ref.OnDelete), fkAction(ref.OnUpdate))
			add("deferrable "+fk+" of "+t.SQLName, ir.NounDeferrableForeignKey, fk,
				def+alter+"ALTER CONSTRAINT "+names.QuoteIdent(fk)+" DEFERRABLE INITIALLY "+strings.ToUpper(ref.Deferrable),
				alter+"ALTER CONSTRAINT "+names.QuoteIdent(fk)+" NOT DEFERRABLE", ref.Pos)
		}
	}
	for _, o := range keyRenames {
		if away := keyRenames[o.Name]; away != nil && away != o {
			o.DependsOn = append(o.DependsOn, away.Key)
		}
	}
}

// fkAction is a foreign key action as SQL writes it: NO ACTION for "".
func fkAction(a string) string {
	if a == "" {
		return "NO ACTION"
	}
	return strings.ToUpper(a)
}

// fileName picks the table's Go file name: <table>.gen.go, or
// <table>_table.gen.go when that is one of the package's fixed files (a
// name with capitals in snake_case: "OrderLine" → order_line.gen.go).
// The ".gen.go" suffix keeps a name like "x_test" from making a test
// file; names.FileName keeps one like "x_linux" from making a
// build-constrained one.
func (b *builder) fileName(st *spec.Table) string {
	base := names.FileName(st.Name)
	name := base + ".gen.go"
	if _, taken := b.files[name]; taken {
		name = base + "_table.gen.go"
	}
	if prev, ok := b.files[name]; ok {
		b.errs.Add(st.Pos, "table %q would be generated into %s, which is already %s; rename the table", st.Name, name, prev.what)
		return name
	}
	b.files[name] = identUse{what: fmt.Sprintf("the file of table %q", st.Name), pos: st.Pos}
	return name
}

func (b *builder) buildColumn(sc *spec.Column) *ir.Column {
	c := &ir.Column{
		SQLName:    sc.Name,
		Quoted:     names.QuoteIdent(sc.Name),
		Field:      names.GoName(sc.Name),
		Param:      names.LowerName(sc.Name),
		JSON:       sc.Name,
		Type:       b.irType(sc.Type),
		Nullable:   sc.Nullable,
		HasDefault: sc.Default != nil || sc.Identity || sc.Serial || sc.Generated != "",
		Identity:   sc.Identity || sc.Serial,
		Serial:     sc.Serial,
		Generated:  sc.Generated,
		Managed:    ir.Managed(sc.Managed),
		Comment:    sc.Comment,
		Sensitive:  sc.Sensitive,
		Collation:  sc.Collation,
		PrimaryKey: sc.PrimaryKey,
		Unique:     sc.Unique,
		Check:      sc.Check,
		CheckPos:   sc.CheckPos,
		RulesPos:   sc.Rules.Pos,
		Pos:        sc.Pos,

		GoTypeOverride: sc.GoType != "",
		RenamedFrom:    sc.RenamedFrom,
	}
	c.SQLType = c.Type.SQL()
	b.columnSpec[c], b.irColumn[sc] = sc, c
	if d := sc.Default; d != nil {
		c.Default = &ir.Default{Kind: ir.DefaultKind(d.Kind), Literal: d.Literal, Expr: d.Expr, Pos: d.Pos}
		c.Default.SQL = d.Expr
		if d.Kind == spec.DefaultLiteral {
			c.Default.SQL = literalSQL(c.Type, d.Literal)
		}
	}
	if sc.GoName != "" {
		c.Field, c.Param = sc.GoName, names.LowerGoName(sc.GoName)
	}
	if sc.Type.ArrayDims > 1 {
		b.errs.Add(sc.Pos, "column %q: multi-dimensional arrays are not supported; use %s[] or jsonb", sc.Name, sc.Type.Elem())
	}
	c.Go = goTypeOf(c.Type, sc.Nullable)
	if sc.GoType != "" {
		g, ok := parseGoType(sc.GoType)
		if !ok {
			b.errs.Add(sc.Pos, "column %q: go_type %q is not a Go type; write Name, path/to/pkg.Name or *path/to/pkg.Name", sc.Name, sc.GoType)
		}
		if sc.Nullable && !g.Ptr && !g.IsSliceLike() {
			g.Ptr = true
		}
		c.Go = g
	}
	c.Select = c.Quoted + c.Type.ReadCast()
	return c
}

// irType resolves a spec type to the IR's, its enum to the IR enum.
func (b *builder) irType(st spec.Type) ir.Type {
	t := ir.Type{Name: st.Name, Args: st.Args, ArrayDims: st.ArrayDims, Base: st.Base}
	if st.Enum != nil {
		t.Enum = b.enums[st.Enum.Name]
	}
	if st.Base != nil && st.Base.Extension != "" {
		t.Schema = b.extensionSchema(st.Base.Extension)
	}
	return t
}

// extensionSchema returns the schema the specs install extension name
// in, even public: the tables are made in the schema the migrations'
// connection resolves names to (an app role's search_path may be app
// alone), which need not be the extension's. "" when the specs name no
// schema (CREATE EXTENSION then puts it where the tables go) or a
// system one (pg_catalog, always searched).
func (b *builder) extensionSchema(name string) string {
	for _, e := range b.proj.Extensions {
		if e.Name == name && !strings.HasPrefix(e.Schema, "pg_") {
			return e.Schema
		}
	}
	return ""
}

// buildIndex names an index of t the spec declares and computes the
// predicate the database gets.
func (b *builder) buildIndex(t *ir.Table, ix *spec.Index) *ir.Index {
	out := &ir.Index{Name: ix.Name, Unique: ix.Unique, NullsNotDistinct: ix.NullsNotDistinct, Where: ix.Where, Predicate: ix.Where,
		Method: strings.ToLower(ix.Method), Pos: ix.Pos}
	parts := []string{t.SQLName}
	for _, p := range ix.Parts {
		part := &ir.IndexPart{Expr: p.Expr, Desc: p.Desc, Nulls: p.Nulls, Pos: p.Pos}
		if p.Column != nil {
			part.Column = t.Column(p.Column.Name)
			parts = append(parts, p.Column.Name)
		} else {
			parts = append(parts, "expr")
		}
		out.Parts = append(out.Parts, part)
	}
	if out.Name == "" {
		if ix.Unique {
			parts = append(parts, "key")
		} else {
			parts = append(parts, "idx")
		}
		out.Name = names.Constraint(parts...)
	}
	if ix.Unique {
		out.Predicate = uniquePredicate(t, ix.Where)
		out.Constraint = ix.Constraint && out.Predicate == ""
	}
	return out
}

// buildReferences resolves the foreign keys of t's columns, once every
// table is built.
func (b *builder) buildReferences(t *ir.Table) {
	for _, c := range t.Columns {
		ref := b.columnSpec[c].References
		if ref == nil {
			continue
		}
		c.References = &ir.Reference{
			Table: b.tables[ref.Table.Name], Column: b.irColumn[ref.Column],
			OnDelete: ref.OnDelete, OnUpdate: ref.OnUpdate,
			Name: fkName(t, c, ref), Pos: ref.Pos,
		}
		b.scopeReference(t, c)
		b.checkScopedReference(t, c)
	}
	b.buildReferencedSentinels(t)
}

// fkName is the name of the foreign key of c, a column of t: the spec's
// references_name, or PostgreSQL's default.
func fkName(t *ir.Table, c *ir.Column, ref *spec.Reference) string {
	if ref.Name != "" {
		return ref.Name
	}
	return names.Constraint(t.SQLName, c.SQLName, "fkey")
}

// uniqueName is the name of the unique constraint of c, a unique column
// of t: the spec's unique_name, or PostgreSQL's default.
func (b *builder) uniqueName(t *ir.Table, c *ir.Column) string {
	if n := b.columnSpec[c].UniqueName; n != "" {
		return n
	}
	return names.Constraint(t.SQLName, c.SQLName, "key")
}

func isLetter(r rune) bool { return unicode.IsLetter(r) }

// reservedPrefix starts the names of cpcgen's own tables (the audit log)
// and of the common table expressions and columns its statements use.
const reservedPrefix = "cpcgen_"

// checkReserved rejects table and column names cpcgen keeps for itself.
func (b *builder) checkReserved(st *spec.Table) {
	if strings.HasPrefix(st.Name, reservedPrefix) {
		b.errs.Add(st.Pos, "table name %q starts with %q, which is reserved for cpcgen's own tables; rename the table", st.Name, reservedPrefix)
	}
	for _, c := range st.Columns {
		if strings.HasPrefix(c.Name, reservedPrefix) && !c.Implied {
			b.errs.Add(c.Pos, "column name %q starts with %q, which is reserved for the names cpcgen's statements use; rename the column", c.Name, reservedPrefix)
		}
	}
}
