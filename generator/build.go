package generator

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/cpcgen/cpcgen/spec"
)

// Build turns a validated project into the IR: it computes every Go name,
// Go type and SQL statement once, and rejects what the spec allows but Go
// cannot express (names that collide after conversion, for one), all
// problems at once, as a spec.ErrorList.
func Build(proj *spec.Project) (*Package, error) {
	b := &builder{
		proj:   proj,
		enums:  map[string]*Enum{},
		idents: map[string]identUse{},
		files:  map[string]identUse{},
		tables: map[string]*Table{},
		// methods are filled per table as methods are named.
		methods: map[*Table]map[string]identUse{},
		clash:   map[*Table]bool{},
		// colChecks are filled as rules are built.
		colChecks: map[*Column][]*Constraint{},
	}
	pkg := &Package{
		Name:       proj.Config.Package.Name,
		ImportPath: proj.Config.Package.ImportPath,
		Dir:        proj.Config.Package.Dir,
		Store:      proj.Config.Package.Store,
		Sources:    proj.Files,
		Project:    proj,
	}
	if pkg.Store == "" {
		pkg.Store = "Store"
	}
	pkg.NewStore = "New" + pkg.Store
	// The Store's own members.
	b.storeFields = map[string]string{"DB": "the " + pkg.Store + " method DB", "InTx": "the " + pkg.Store + " method InTx"}
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
		pkg.Tables = append(pkg.Tables, b.buildTable(t))
	}
	var firstTenant *Table
	for _, t := range pkg.Tables {
		b.buildTenant(pkg, t, &firstTenant)
		if t.Tenant != nil {
			pkg.Policies = append(pkg.Policies, policyOf(t))
		}
		pkg.Audit = pkg.Audit || t.Audit
		pkg.Constraints = append(pkg.Constraints, t.Constraints...)
	}
	b.buildEngine(pkg)
	// Bulk methods, upserts and relations need every table; queries come
	// last, so that a query named like a generated method is the one
	// reported.
	for _, t := range pkg.Tables {
		b.buildBatch(t)
		b.buildUniqueKeys(t)
	}
	for _, t := range pkg.Tables {
		b.buildBelongsTo(t)
	}
	referrers := referringTables(pkg.Tables)
	for _, t := range pkg.Tables {
		b.buildRelations(t, referrers[t.Spec])
	}
	for _, t := range pkg.Tables {
		b.buildReadsDeleted(t)
	}
	for _, t := range pkg.Tables {
		for _, sq := range t.Spec.Queries {
			if q := b.buildQuery(t, sq, pkg.Tables); q != nil {
				t.Queries = append(t.Queries, q)
			}
		}
	}
	if err := b.errs.Err(); err != nil {
		return nil, err
	}
	return pkg, nil
}

// fixedIdents are the package-level names every generated package
// declares besides the Store and its constructor, whose names the config
// chooses.
var fixedIdents = []string{"storeRepos", "wrapErr", "specNameOf"}

// fixedFiles are the package-level files every generated package holds.
var fixedFiles = []string{"store.gen.go", "enums.gen.go", "schema.sql"}

type builder struct {
	proj  *spec.Project
	enums map[string]*Enum
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
	tables  map[string]*Table
	methods map[*Table]map[string]identUse
	// clash marks the tables whose Go names collide with another's.
	clash map[*Table]bool
	// queryTables counts, per query name, the tables that have a query of
	// that name (see sharedQueryName).
	queryTables map[string]int
	// colChecks are the CHECK constraints of each column's rules.
	colChecks map[*Column][]*Constraint
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
func (b *builder) repoMethod(t *Table, name, what string, pos spec.Pos) bool {
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
func (b *builder) declareDerived(t *Table, name, what string, pos spec.Pos) {
	if b.clash[t] {
		return
	}
	b.declare(name, what, pos)
}

func (b *builder) buildEnum(e *spec.Enum) *Enum {
	out := &Enum{
		SQLName: e.Name,
		Quoted:  quoteIdent(e.Name),
		GoName:  goName(e.Name),
		Comment: e.Comment,
		Source:  e.Pos.File,
		Spec:    e,
	}
	pos := e.Pos
	if e.GoName != "" {
		out.GoName, pos = e.GoName, e.GoNamePos
	}
	b.enums[e.Name] = out
	b.declareFix(out.GoName, fmt.Sprintf("enum %q", e.Name), fixEnum, pos)
	seen := map[string]string{}
	for i, v := range e.Values {
		suffix := goName(v.Name)
		if suffix == "" {
			suffix = "Value" + strconv.Itoa(i+1)
		}
		val := &EnumValue{Label: v.Name, GoName: out.GoName + suffix}
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

func (b *builder) buildTable(st *spec.Table) *Table {
	// Plural names the Store field: the table's name in Go, or the
	// plural of go_name:. Many names what holds many rows in relation
	// methods (LoadOrders): the plural of the row type when the table's
	// name is singular.
	model, plural, many, pos := modelName(st.Name), goName(st.Name), goName(st.Name), st.Pos
	if st.GoName != "" {
		model, plural, many, pos = st.GoName, pluralName(st.GoName), pluralName(st.GoName), st.GoNamePos
	} else if many == model {
		many = pluralName(model)
	}
	t := &Table{
		SQLName:    st.Name,
		Quoted:     quoteIdent(st.Name),
		Model:      model,
		Plural:     plural,
		Many:       many,
		Repo:       model + "Repo",
		NewType:    "New" + model,
		UpdateType: model + "Update",
		Op:         st.Name,
		Source:     st.File,
		Comment:    st.Comment,
		Audit:      st.Audit,
		Spec:       st,
	}
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
	b.declareFix("New"+t.Repo, "the repository constructor of "+what, fixTable, pos)
	t.File = b.fileName(st)

	byName := map[string]*Column{}
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
	col := func(sc *spec.Column) *Column {
		if sc == nil {
			return nil
		}
		return byName[sc.Name]
	}
	t.CreatedAt, t.UpdatedAt = col(st.CreatedAt), col(st.UpdatedAt)
	t.DeletedAt, t.Version, t.Tenant = col(st.SoftDelete), col(st.Version), col(st.Tenant)
	for _, c := range t.Columns {
		if c.Identity || c.Managed != spec.NotManaged || c == t.Tenant {
			continue
		}
		t.Insert = append(t.Insert, c)
		if !c.Spec.PrimaryKey {
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
	b.buildRules(t)
	b.buildConstraints(t)
	t.SQL = crudSQL(t)
	methods := crudMethods
	if t.DeletedAt != nil {
		methods = append(methods[:len(methods):len(methods)], "HardDelete", "Restore")
	}
	if t.Audit {
		methods = append(methods[:len(methods):len(methods)], "AuditTrail")
	}
	for _, m := range methods {
		b.repoMethod(t, m, "the generated method "+m, spec.Pos{})
	}
	for _, s := range []Statement{t.SQL.Create, t.SQL.FindByID, t.SQL.FindAll, t.SQL.ListFirst, t.SQL.ListAfter,
		t.SQL.Update, t.SQL.Delete, t.SQL.Count, t.SQL.HardDelete, t.SQL.Restore, t.SQL.Exists, t.SQL.AuditTrail} {
		b.declareStatement(t, s, st.Pos)
	}
	b.declareDerived(t, scanName(t), "the row scanner of "+what, st.Pos)
	b.tables[st.Name] = t
	return t
}

// crudMethods are the methods every repository has.
var crudMethods = []string{"Create", "FindByID", "FindAll", "Stream", "List", "Update", "Delete", "Count"}

// declareStatement declares the constants of a statement of t (its own
// and its WithDeleted variant's); a statement without a constant is not
// generated.
func (b *builder) declareStatement(t *Table, s Statement, pos spec.Pos) {
	if s.Const == "" {
		return
	}
	b.declareDerived(t, s.Const, "a statement constant of "+t.Repo, pos)
	if s.WithDeleted != nil {
		b.declareDerived(t, s.WithDeleted.Const, "a statement constant of "+t.Repo, pos)
	}
}

// fileName picks the table's Go file name: <table>.gen.go, or
// <table>_table.gen.go when that is one of the package's fixed files.
// The ".gen.go" suffix also keeps names like "x_test" and "x_linux" from
// turning into test files or build-constrained ones.
func (b *builder) fileName(st *spec.Table) string {
	name := st.Name + ".gen.go"
	if _, taken := b.files[name]; taken {
		name = st.Name + "_table.gen.go"
	}
	if prev, ok := b.files[name]; ok {
		b.errs.Add(st.Pos, "table %q would be generated into %s, which is already %s; rename the table", st.Name, name, prev.what)
		return name
	}
	b.files[name] = identUse{what: fmt.Sprintf("the file of table %q", st.Name), pos: st.Pos}
	return name
}

func (b *builder) buildColumn(sc *spec.Column) *Column {
	c := &Column{
		SQLName:    sc.Name,
		Quoted:     quoteIdent(sc.Name),
		Field:      goName(sc.Name),
		Param:      lowerName(sc.Name),
		JSON:       sc.Name,
		Type:       sc.Type,
		SQLType:    sqlType(sc.Type),
		Nullable:   sc.Nullable,
		HasDefault: sc.Default != nil || sc.Identity,
		Identity:   sc.Identity,
		Managed:    sc.Managed,
		Comment:    sc.Comment,
		Sensitive:  sc.Sensitive,
		Spec:       sc,
	}
	if sc.GoName != "" {
		c.Field, c.Param = sc.GoName, lowerGoName(sc.GoName)
	}
	if sc.Type.ArrayDims > 1 {
		b.errs.Add(sc.Pos, "column %q: multi-dimensional arrays are not supported; use %s[] or jsonb", sc.Name, sc.Type.Elem())
	}
	c.Go = goTypeOf(sc.Type, sc.Nullable, b.enums)
	if sc.GoType != "" {
		g, ok := parseGoType(sc.GoType)
		if !ok {
			b.errs.Add(sc.Pos, "column %q: go_type %q is not a Go type; write Name, path/to/pkg.Name or *path/to/pkg.Name", sc.Name, sc.GoType)
		}
		if sc.Nullable && !g.Ptr && !isSliceLike(g) {
			g.Ptr = true
		}
		c.Go = g
	}
	c.Select = c.Quoted
	if isEnumArray(sc.Type) {
		c.Select += "::text[]"
	}
	return c
}

// isExported reports whether a Go name starts with an upper-case letter.
func isExported(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

func isLetter(r rune) bool { return unicode.IsLetter(r) }

// sourceList formats spec files for a header line.
func sourceList(files []string) string { return strings.Join(files, ", ") }

// pkgPath joins the package directory and a file name.
func (p *Package) pkgPath(file string) string { return path.Join(p.Dir, file) }
