package spec

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cpcgen/cpcgen/internal/find"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// ObjectKind is one kind of SQL object a spec declares under
// sql_objects:. ObjectKinds lists them all: the closed set validation,
// the JSON Schema, the migration planner and check's catalog lookups
// read.
type ObjectKind struct {
	// Name is how kind: spells it: function, materialized_view.
	Name string
	// Keyword is the object type as CREATE, DROP and COMMENT ON write
	// it (FUNCTION, MATERIALIZED VIEW); "" for other, whose statements
	// cpcgen does not read.
	Keyword string
	// Noun names the kind in messages: "materialized view".
	Noun string
	// Replace is set for the kinds a changed definition replaces in
	// place (CREATE OR REPLACE) when its signature stays the same, so
	// that what depends on it stays too. Every other change drops the
	// object and creates it again.
	Replace bool
	// Rebuild is set for the kinds whose definition is bound to the
	// columns of the tables it reads (views): a migration that drops,
	// renames or retypes a column of a table the object depends on drops
	// the object before and creates it again after.
	Rebuild bool
	// TypeSpace is set for the kinds PostgreSQL names in the namespace of
	// tables and types: such an object cannot have the name of a table or
	// an enum of the same schema.
	TypeSpace bool
	// Early is set for the kinds a table may use (a sequence for a
	// column default, a domain or type for a column): they are created
	// after the extensions and before the enums and tables, and dropped
	// after them. An object of such a kind cannot depend on a table or
	// on an object created after the tables.
	Early bool
	// BeforeTables is set for the kinds whose objects may say
	// before_tables: true, to be created before the tables like the
	// Early kinds (a function a generated column calls).
	BeforeTables bool
	// Doc says what the kind is for, in the JSON Schema and the docs.
	Doc string
}

// ObjectKinds are the kinds of SQL object, in the order docs list them.
var ObjectKinds = []*ObjectKind{
	{Name: "function", Keyword: "FUNCTION", Noun: "function", Replace: true, BeforeTables: true,
		Doc: "CREATE FUNCTION; replaced in place while its arguments and result stay the same"},
	{Name: "procedure", Keyword: "PROCEDURE", Noun: "procedure", Replace: true, BeforeTables: true,
		Doc: "CREATE PROCEDURE; replaced in place while its arguments stay the same"},
	{Name: "trigger", Keyword: "TRIGGER", Noun: "trigger",
		Doc: "CREATE TRIGGER … ON table; depends on its table and, when declared, its function"},
	{Name: "view", Keyword: "VIEW", Noun: "view", Rebuild: true, TypeSpace: true,
		Doc: "CREATE VIEW; dropped and created again when it or a column it reads changes"},
	{Name: "materialized_view", Keyword: "MATERIALIZED VIEW", Noun: "materialized view", Rebuild: true, TypeSpace: true,
		Doc: "CREATE MATERIALIZED VIEW (and its indexes); dropped and created again, so filled again, when it or a column it reads changes"},
	{Name: "type", Keyword: "TYPE", Noun: "type", TypeSpace: true, Early: true,
		Doc: "CREATE TYPE: a composite or range type (enums go under enums:)"},
	{Name: "domain", Keyword: "DOMAIN", Noun: "domain", TypeSpace: true, Early: true,
		Doc: "CREATE DOMAIN with its checks"},
	{Name: "sequence", Keyword: "SEQUENCE", Noun: "sequence", TypeSpace: true, Early: true,
		Doc: "CREATE SEQUENCE; a changed sequence starts again from its START value"},
	{Name: "schema", Keyword: "SCHEMA", Noun: "schema", Early: true,
		Doc: "CREATE SCHEMA, for objects declared as schema.name"},
	{Name: "other", Noun: "object", BeforeTables: true,
		Doc: "any other statements; drop: is required"},
}

// objectKind returns the kind with the given name, or nil.
func objectKind(name string) *ObjectKind {
	return find.First(ObjectKinds, func(k *ObjectKind) bool { return k.Name == name })
}

func objectKindNames() []string {
	out := make([]string, len(ObjectKinds))
	for i, k := range ObjectKinds {
		out[i] = k.Name
	}
	return out
}

// Extension is a PostgreSQL extension a spec file declares under
// extensions:, as a name (pg_trgm) or a mapping {name, schema, version}.
// Every spec file may list the extensions its tables and objects need;
// the project's list is their union.
type Extension struct {
	// Name is the extension's name (pg_trgm, uuid-ossp).
	Name string
	// Schema and Version are CREATE EXTENSION's SCHEMA and VERSION, or ""
	// for the server's defaults.
	Schema  string
	Version string
	// File is the spec file that first declares it.
	File string
	Pos  Pos
}

// SQLObject is one entry of sql_objects:: a function, trigger, view or
// other object cpcgen does not model, given as the SQL that creates it.
//
//	sql_objects:
//	  - name: touch_updated_at
//	    kind: function
//	    sql: |
//	      CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
//	      BEGIN NEW.updated_at := now(); RETURN NEW; END $$
//	  - name: notes_touch
//	    kind: trigger
//	    sql: CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch_updated_at()
type SQLObject struct {
	Kind *ObjectKind
	// Name is the object's name as declared: name, or schema.name;
	// Schema and Local are its parts (Schema "" when unqualified).
	Name   string
	Schema string
	Local  string
	// Table is the table a trigger is on, as its SQL names it (notes,
	// app.notes); "" for other kinds.
	Table string
	// SQL is the object's statements as written (sql:, or the file
	// file: names), from its first line to the end of its last
	// statement: white space, a trailing semicolon and trailing comments
	// left out.
	SQL string
	// File is the path file: names, relative to the project root; "" for
	// sql:.
	File string
	// Replace is SQL with each CREATE of the object made CREATE OR
	// REPLACE, for kinds whose changes replace in place; "".
	Replace string
	// Target is the object as DROP and COMMENT ON name it after the
	// kind's keyword: notes_search(text, integer), notes_touch ON notes;
	// "" for other.
	Target string
	// Drop is the SQL that removes the object: drop: as written, or
	// derived from the kind and the CREATE statements (DROP FUNCTION
	// touch_updated_at()); DropDerived tells which.
	Drop        string
	DropDerived bool
	// Signature is what a replacement in place must keep (name,
	// arguments and result of a function; every overload when the SQL
	// creates several), normalized; "" for kinds without Replace.
	Signature string
	// BeforeTables is before_tables: true: a function, procedure or
	// object of kind other that tables use (a generated column's
	// expression calls the function), created before them like the
	// kinds that are Early. See Early.
	BeforeTables bool
	// RenamedFrom is renamed_from: on a sequence, its previous name (name
	// or schema.name, in the same schema), a migration hint.
	RenamedFrom string
	// DependsOn are what the object needs, resolved: depends_on: in the
	// order written, then the dependencies cpcgen reads from the SQL (a
	// trigger's table and function).
	DependsOn []*Dependency
	Comment   string
	// Source is the spec file declaring the object.
	Source string
	// View is the table entry with view: this object creates, or nil for
	// an entry of sql_objects:.
	View *Table
	// Pos is where the entry's name is written; SQLPos where its SQL
	// starts; Lines the position of each line of SQL, where it is known
	// (a literal block, a file, a one-line scalar), else SQLPos.
	Pos    Pos
	SQLPos Pos
	Lines  []Pos
}

// Title names the object in messages: function "touch_updated_at",
// trigger "notes_touch" on "notes".
func (o *SQLObject) Title() string {
	if o.Table != "" {
		return fmt.Sprintf("%s %q on %q", o.Kind.Noun, o.Name, o.Table)
	}
	return fmt.Sprintf("%s %q", o.Kind.Noun, o.Name)
}

// Early reports whether the object is created before the tables (and
// dropped after them): its kind is (ObjectKind.Early), or the entry says
// before_tables: true.
func (o *SQLObject) Early() bool { return o.Kind.Early || o.BeforeTables }

// Dependency is one thing an SQL object depends on: a table, an enum,
// an extension or another object (exactly one is set).
type Dependency struct {
	Name      string
	Table     *Table
	Enum      *Enum
	Extension *Extension
	Object    *SQLObject
	// Implicit is set for a dependency read from the SQL rather than
	// written in depends_on:.
	Implicit bool
	Pos      Pos
}

// The keys of an entry of sql_objects: and of an extension mapping.
var (
	sqlObjectKeys = []string{"name", "kind", "sql", "file", "drop", "depends_on", "before_tables", "comment", "renamed_from"}
	extensionKeys = []string{"name", "schema", "version"}
)

var (
	objectNameRE    = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$`)
	extensionNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]*$`)
)

// objectAux is what the parser keeps of an object for the passes after
// every file is read.
type objectAux struct {
	deps []depRef
	// exec is the function a trigger runs.
	exec qualName
}

// dependsOn reads the depends_on: list of f, the fields of the object
// what names: non-empty names, each once.
func (p *decoder) dependsOn(f *fieldSet, what string) []depRef {
	v, ok := f.get("depends_on")
	if !ok {
		return nil
	}
	var deps []depRef
	items, _ := p.sequence(v.value, "depends_on")
	seen := map[string]bool{}
	for _, it := range items {
		s, ok := p.nonEmpty(it, "depends_on")
		if !ok {
			continue
		}
		if seen[s] {
			p.errs.Add(it.pos, "%s lists %q twice in depends_on", what, s)
			continue
		}
		seen[s] = true
		d := depRef{name: s, pos: it.pos}
		if kind, name, ok := strings.Cut(s, " "); ok {
			d.kind, d.name = kind, strings.TrimSpace(name)
			if !depKind(kind) || d.name == "" || strings.Contains(d.name, " ") {
				p.errs.Add(it.pos, "depends_on entry %q of %s: write a name, or a kind and a name (%s)", clip(s), what, depKindsHint())
				continue
			}
		}
		deps = append(deps, d)
	}
	return deps
}

// depRef is one entry of depends_on:, a name, with the kind written
// before it when it has one ("function designers").
type depRef struct {
	kind, name string
	pos        Pos
}

// depKind reports whether kind may stand before a name in depends_on:
// table, enum, extension or a kind of sql object.
func depKind(kind string) bool {
	switch kind {
	case "table", "enum", "extension":
		return true
	}
	return objectKind(kind) != nil
}

// depKindsHint is how depKind's kinds are listed in messages.
func depKindsHint() string {
	ks := []string{"table", "enum", "extension"}
	for _, k := range ObjectKinds {
		if k.Name != "trigger" {
			ks = append(ks, k.Name)
		}
	}
	return `"function designers"; kinds: ` + strings.Join(ks, ", ")
}

// nameEntry reads an entry of a list written as a name alone or as a
// mapping (what, with keys) whose key holds the name. It returns the
// name's node and, for a mapping, its fields; a nil node when the entry
// is to be skipped: a mapping whose errors it recorded, or one without
// key, recorded as missing.
func (p *parser) nameEntry(it *node, what string, keys []string, key, missing string) (*node, *fieldSet) {
	if it.kind != mappingNode {
		return it, nil
	}
	f := p.fields(it, what, keys...)
	if f == nil {
		return nil, nil
	}
	v, ok := f.get(key)
	if !ok {
		p.errs.Add(it.pos, "%s", missing)
		return nil, nil
	}
	return v.value, f
}

// extensions decodes a spec file's extensions:.
func (p *parser) extensions(file string, n *node) {
	items, _ := p.sequence(n, "extensions")
	for _, it := range items {
		e := &Extension{File: file, Pos: it.pos}
		nameNode, f := p.nameEntry(it, "extension", extensionKeys, "name", "extension has no name; add name: pg_trgm (or write the name alone)")
		switch {
		case nameNode == nil:
			continue
		case f != nil:
			if v, ok := f.get("schema"); ok {
				e.Schema, _ = p.ident(v.value, "extension schema")
			}
			if v, ok := f.get("version"); ok {
				e.Version, _ = p.nonEmpty(v.value, "extension version")
			}
		case it.kind != scalarNode:
			p.errs.Add(it.pos, "extension: expected a name or a mapping with name, schema and version, got %s", describe(it))
			continue
		}
		name, ok := p.str(nameNode, "extension")
		if !ok {
			continue
		}
		if !extensionNameRE.MatchString(name) || len(name) > MaxIdentLen {
			p.errs.Add(nameNode.pos, "extension name %q is not an extension's name (lower-case letters, digits, underscores and hyphens, at most 63 bytes), like pg_trgm", clip(name))
			continue
		}
		e.Name, e.Pos = name, nameNode.pos
		if prev := p.extByName[name]; prev != nil {
			if prev.Schema != e.Schema || prev.Version != e.Version {
				p.errs.Add(e.Pos, "extension %q is declared again with another schema or version; first declared at %s; declare it the same way everywhere", name, prev.Pos)
			}
			continue
		}
		p.extByName[name] = e
		p.proj.Extensions = append(p.proj.Extensions, e)
	}
}

// sqlObjects decodes a spec file's sql_objects:.
func (p *parser) sqlObjects(file string, n *node) {
	items, _ := p.sequence(n, "sql_objects")
	for _, it := range items {
		p.sqlObject(file, it)
	}
}

// sqlObject decodes one entry of sql_objects:.
func (p *parser) sqlObject(file string, n *node) {
	f := p.fields(n, "sql_objects entry", sqlObjectKeys...)
	if f == nil {
		return
	}
	o := &SQLObject{Source: file, Pos: n.pos}
	valid := true
	if v, ok := f.get("name"); ok {
		o.Pos = v.value.pos
		o.Name, valid = p.objectName(v.value)
		if i := strings.IndexByte(o.Name, '.'); i >= 0 {
			o.Schema, o.Local = o.Name[:i], o.Name[i+1:]
		} else {
			o.Local = o.Name
		}
	} else {
		p.errs.Add(n.pos, "sql_objects entry has no name; add name: with the name its SQL creates (schema.name allowed)")
		valid = false
	}
	what := fmt.Sprintf("sql object %q", o.Name)
	if v, ok := f.get("kind"); ok {
		if s, ok := p.oneOf(v.value, what+": kind", objectKindNames()...); ok {
			o.Kind = objectKind(s)
		} else {
			valid = false
		}
	} else {
		p.errs.Add(o.Pos, "%s has no kind; add kind: with one of %s", what, quoteList(objectKindNames()))
		valid = false
	}
	if v, ok := f.get("comment"); ok {
		o.Comment, _ = p.str(v.value, "comment")
	}
	if v, ok := f.get("before_tables"); ok {
		o.BeforeTables, _ = p.boolean(v.value, "before_tables")
		if o.BeforeTables && o.Kind != nil && !o.Kind.BeforeTables {
			p.errs.Add(v.key.pos, "%s: before_tables is for functions, procedures and objects of kind other that tables use; a %s is %s, so drop before_tables", what, o.Kind.Noun, earlyWhy(o.Kind))
			valid = false
		}
	}
	if v, ok := f.get("renamed_from"); ok {
		if from, ok := p.objectName(v.value); ok {
			schema := ""
			if i := strings.IndexByte(from, '.'); i >= 0 {
				schema = from[:i]
			}
			switch {
			case o.Kind != nil && o.Kind.Name != "sequence":
				p.errs.Add(v.key.pos, "%s: renamed_from is for sql objects of kind sequence, which a migration renames keeping their value; a %s is dropped and created again under its new name, so drop renamed_from", what, o.Kind.Noun)
			case from == o.Name:
				p.errs.Add(v.key.pos, "%s: renamed_from names the object itself; give its previous name, or drop renamed_from", what)
			case schema != o.Schema:
				p.errs.Add(v.key.pos, "%s: renamed_from %q is in another schema; a migration renames a sequence within its schema: move it with an sql object of kind other (ALTER SEQUENCE … SET SCHEMA), or drop renamed_from", what, from)
			default:
				o.RenamedFrom = from
			}
		}
	}
	aux := &objectAux{deps: p.dependsOn(f, what)}
	dropNode, hasDrop := f.get("drop")
	var dropSQL string
	if hasDrop {
		dropSQL, hasDrop = p.nonEmpty(dropNode.value, "drop")
	}
	src, rel, posAt, ok := p.objectSQL(f, file, what, o.Pos, "add sql: with its CREATE statement, or file: naming a .sql file relative to "+path.Base(file))
	if !ok {
		return
	}
	o.File = rel
	if o.Kind == nil || !valid {
		return
	}
	if !p.analyzeObject(o, aux, src, posAt, hasDrop) {
		return
	}
	switch {
	case hasDrop:
		d, ok := p.dropText(what, dropSQL, func(off int) Pos { return p.sqlPos(dropNode.value, off) })
		if !ok {
			return
		}
		o.Drop = d
	case o.Drop == "":
		p.errs.Add(o.Pos, "%s: cpcgen cannot derive how to drop an object of kind other; add drop: with the statements that remove it, like DROP AGGREGATE %s(integer)", what, o.Local)
		return
	default:
		o.DropDerived = true
	}
	p.objAux[o] = aux
	p.proj.Objects = append(p.proj.Objects, o)
}

// earlyWhy says why an object of kind k needs no before_tables, or
// cannot have it.
func earlyWhy(k *ObjectKind) string {
	if k.Early {
		return "created before the tables already"
	}
	return "created after the tables it reads"
}

// objectName decodes and checks the name of an sql object.
func (p *parser) objectName(n *node) (string, bool) {
	s, ok := p.str(n, "sql object name")
	if !ok {
		return "", false
	}
	if !objectNameRE.MatchString(s) {
		parts := strings.SplitN(s, ".", 2)
		for i := range parts {
			parts[i] = fixIdent(parts[i])
		}
		p.errs.Add(n.pos, "sql object name %q is not a plain SQL name or schema.name (letters, digits and underscores, not starting with a digit); use %q", clip(s), strings.Join(parts, "."))
		return s, false
	}
	for _, part := range strings.Split(s, ".") {
		if len(part) > MaxIdentLen {
			p.errs.Add(n.pos, "sql object name %q has a part of %d bytes; PostgreSQL truncates names to %d bytes", clip(s), len(part), MaxIdentLen)
			return s, false
		}
	}
	return s, true
}

// objectSQL reads the SQL of entry f (of a spec file, what in messages):
// sql: written in the spec, or the text of the file that file: names
// (objectFile; rel is then its path relative to the project root), with
// where each byte offset of it stands. ok is false, reported, when f has
// both keys, or neither (with the advice neither at pos), or a wrong one.
func (p *parser) objectSQL(f *fieldSet, specFile, what string, pos Pos, neither string) (src, rel string, posAt func(int) Pos, ok bool) {
	sqlNode, hasSQL := f.get("sql")
	fileNode, hasFile := f.get("file")
	switch {
	case hasSQL && hasFile:
		p.errs.Add(fileNode.key.pos, "%s has both sql: and file:; keep one", what)
		return "", "", nil, false
	case hasSQL:
		src, ok = p.nonEmpty(sqlNode.value, "sql")
		sn := sqlNode.value
		return src, "", func(off int) Pos { return p.sqlPos(sn, off) }, ok
	case hasFile:
		rel, data, ok := p.objectFile(specFile, fileNode.value)
		if !ok {
			return "", "", nil, false
		}
		src = string(data)
		if !utf8.ValidString(src) {
			p.errs.Add(fileNode.value.pos, "%s: file %q is not UTF-8 text", what, rel)
			return "", "", nil, false
		}
		return src, rel, func(off int) Pos { return textPos(rel, src, off) }, true
	default:
		p.errs.Add(pos, "%s has neither sql: nor file:; %s", what, neither)
		return "", "", nil, false
	}
}

// objectFile reads the file an object's file: names, relative to the
// spec file; rel is its path relative to the project root.
func (p *parser) objectFile(specFile string, n *node) (rel string, data []byte, ok bool) {
	s, ok := p.str(n, "file")
	if !ok {
		return "", nil, false
	}
	if _, ok := p.checkRelPath(n.pos, "file", s); !ok {
		return "", nil, false
	}
	rel = path.Clean(path.Join(path.Dir(specFile), s))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		p.errs.Add(n.pos, "file %q leads outside the project root", clip(s))
		return "", nil, false
	}
	if p.read == nil {
		p.errs.Add(n.pos, "file %q: this run reads no files (spec.Parse); load the project with spec.Load", clip(s))
		return "", nil, false
	}
	data, err := p.read(rel)
	if err != nil {
		p.errs.Add(n.pos, "file %q (%s): %v", clip(s), rel, err)
		return "", nil, false
	}
	if len(data) > MaxFileSize {
		p.errs.Add(n.pos, "file %q is larger than the limit of %d bytes (8 MiB)", clip(s), MaxFileSize)
		return "", nil, false
	}
	return rel, data, true
}

// textPos is the position of byte off in the text of file.
func textPos(file, text string, off int) Pos {
	if off < 0 || off > len(text) {
		off = 0
	}
	before := text[:off]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return Pos{File: file, Line: line, Col: col}
}

// dropText checks an explicit drop: and returns it without the trailing
// semicolon and comments.
func (p *parser) dropText(what, s string, posAt func(int) Pos) (string, bool) {
	toks, err := sqllex.Lex(s)
	if err != nil {
		var se *sqllex.Error
		errors.As(err, &se)
		p.errs.Add(posAt(se.Off), "%s: drop: %s", what, se.Msg)
		return "", false
	}
	stmts := sqllex.Statements(toks)
	if len(stmts) == 0 {
		p.errs.Add(posAt(0), "%s: drop: holds no statement", what)
		return "", false
	}
	lead := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
	last := stmts[len(stmts)-1]
	return s[lead:last[len(last)-1].End()], true
}

// createStmt is what cpcgen reads of a CREATE statement.
type createStmt struct {
	// kind is the ObjectKind's name, "" for a CREATE of another kind.
	kind      string
	orReplace bool
	// create is the CREATE token, for making it CREATE OR REPLACE.
	create sqllex.Tok
	name   qualName
	// dropArgs are a function's arguments as DROP FUNCTION takes them:
	// as written, without defaults.
	dropArgs string
	// signature is a function's name, arguments and result, normalized.
	signature string
	// table and exec are a trigger's table and function.
	table, exec qualName
	// target names the object after the kind's keyword in DROP.
	target string
	// problem says why the statement cannot be read, or "".
	problem string
	off     int
}

// routineOptions are the words that end the RETURNS clause of CREATE
// FUNCTION.
var routineOptions = map[string]bool{
	"language": true, "as": true, "immutable": true, "stable": true, "volatile": true, "strict": true,
	"called": true, "security": true, "external": true, "parallel": true, "cost": true, "rows": true,
	"support": true, "set": true, "window": true, "leakproof": true, "not": true, "transform": true,
	"begin": true, "return": true, "returns": true,
}

// parseCreate reads a CREATE statement far enough to know the kind and
// name of what it creates; nil when st is not a CREATE statement.
func parseCreate(src string, t []sqllex.Tok) *createStmt {
	if len(t) < 2 || !t[0].Is("create") {
		return nil
	}
	cs := &createStmt{create: t[0], off: t[0].Off}
	i := 1
	if t[i].Is("or") && i+1 < len(t) && t[i+1].Is("replace") {
		cs.orReplace = true
		i += 2
	}
	for i < len(t) && (t[i].Is("temp") || t[i].Is("temporary") || t[i].Is("unlogged") || t[i].Is("recursive") || t[i].Is("constraint")) {
		i++
	}
	if i >= len(t) {
		return cs
	}
	switch {
	case t[i].Is("function"), t[i].Is("procedure"), t[i].Is("trigger"), t[i].Is("view"), t[i].Is("type"),
		t[i].Is("domain"), t[i].Is("sequence"), t[i].Is("schema"):
		cs.kind = strings.ToLower(t[i].Text)
	case t[i].Is("materialized") && i+1 < len(t) && t[i+1].Is("view"):
		cs.kind = "materialized_view"
		i++
	default:
		return cs
	}
	i++
	if i+2 < len(t) && t[i].Is("if") && t[i+1].Is("not") && t[i+2].Is("exists") {
		i += 3
	}
	if cs.kind == "schema" && i < len(t) && t[i].Is("authorization") {
		cs.problem = "CREATE SCHEMA AUTHORIZATION names no schema"
		return cs
	}
	q, n := readQualName(src, t, i)
	if n == 0 {
		cs.problem = "no name after CREATE " + strings.ToUpper(strings.ReplaceAll(cs.kind, "_", " "))
		return cs
	}
	cs.name = q
	i += n
	cs.target = q.text
	switch cs.kind {
	case "function", "procedure":
		if i >= len(t) || !t[i].IsPunct("(") {
			cs.problem = "no argument list after the name"
			return cs
		}
		j := sqllex.Closing(t, i)
		if j < 0 {
			cs.problem = "the argument list does not end"
			return cs
		}
		args := t[i+1 : j]
		var parts []string
		for _, a := range sqllex.Split(args, sqllex.Comma) {
			cut := len(a)
			for k, tk := range a {
				if tk.Is("default") || tk.IsPunct("=") {
					cut = k
					break
				}
			}
			parts = append(parts, sourceOf(src, a[:cut]))
		}
		cs.dropArgs = strings.Join(parts, ", ")
		cs.target = q.text + "(" + cs.dropArgs + ")"
		returns := ""
		if rest := t[j+1:]; len(rest) > 0 && rest[0].Is("returns") {
			k := sqllex.Top(rest, 1, func(k int) bool { return rest[k].Kind == sqllex.Word && routineOptions[rest[k].Norm()] })
			returns = " " + sqllex.NormText(rest[:k])
		}
		cs.signature = q.String() + "(" + sqllex.NormText(args) + ")" + returns
	case "trigger":
		for k := i; k < len(t); k++ {
			if t[k].Is("on") {
				if tq, n := readQualName(src, t, k+1); n > 0 {
					cs.table = tq
				}
				break
			}
		}
		if cs.table.name == "" {
			cs.problem = "no ON table"
			return cs
		}
		cs.target = q.text + " ON " + cs.table.text
		for k := i; k+2 < len(t); k++ {
			if t[k].Is("execute") && (t[k+1].Is("function") || t[k+1].Is("procedure")) {
				cs.exec, _ = readQualName(src, t, k+2)
				break
			}
		}
	}
	return cs
}

// analyzeObject reads the object's SQL: its statements, the name and
// the kind of what it creates, the drop statement, the replacement in
// place and the dependencies the SQL names. It reports what is wrong and
// returns false then.
// ownedLater reports whether the sql of sequence object name (toks)
// sets no OWNED BY a column, adding an error at the first that does: an
// object of kind sequence is made before the tables, so in a new
// database the column does not exist yet (PostgreSQL refuses the
// statement); an object of kind other after the table owns it.
func (p *parser) ownedLater(what, name string, toks []sqllex.Tok, posAt func(int) Pos) bool {
	for i := 0; i+2 < len(toks); i++ {
		if !toks[i].Is("owned") || !toks[i+1].Is("by") || toks[i+2].Is("none") {
			continue
		}
		var col strings.Builder
		for _, t := range toks[i+2:] {
			if t.Kind != sqllex.Word && t.Kind != sqllex.Quoted && !t.IsPunct(".") {
				break
			}
			col.WriteString(t.Text)
		}
		p.errs.Add(posAt(toks[i].Off), "the sql of %s sets OWNED BY %s: a sequence object is made before the tables, so in a new database that column does not exist yet; drop OWNED BY here and own the sequence with an sql object of kind other that depends on it and on the table (sql: ALTER SEQUENCE %s OWNED BY %s, drop: ALTER SEQUENCE %s OWNED BY NONE)",
			what, col.String(), name, col.String(), name)
		return false
	}
	return true
}

func (p *parser) analyzeObject(o *SQLObject, aux *objectAux, src string, posAt func(int) Pos, hasDrop bool) bool {
	what := o.Title()
	toks, err := sqllex.Lex(src)
	if err != nil {
		var se *sqllex.Error
		errors.As(err, &se)
		p.errs.Add(posAt(se.Off), "the sql of %s: %s", what, se.Msg)
		return false
	}
	stmts := sqllex.Statements(toks)
	if len(stmts) == 0 {
		p.errs.Add(posAt(0), "the sql of %s holds no statement", what)
		return false
	}
	lead := len(src) - len(strings.TrimLeft(src, " \t\r\n"))
	last := stmts[len(stmts)-1]
	o.SQL = src[lead:last[len(last)-1].End()]
	o.SQLPos = posAt(lead)
	o.Lines = append(o.Lines, o.SQLPos)
	for i := 0; i < len(o.SQL); i++ {
		if o.SQL[i] == '\n' {
			o.Lines = append(o.Lines, posAt(lead+i+1))
		}
	}
	kind := o.Kind
	if kind.Keyword == "" {
		return true
	}
	first := parseCreate(src, stmts[0])
	if first == nil || first.kind != kind.Name {
		p.errs.Add(posAt(stmts[0][0].Off), "the sql of %s must start with CREATE %s %s; it starts with %s",
			what, kind.Keyword, o.Name, clipSQL(sourceOf(src, stmts[0])))
		return false
	}
	if kind.Name == "trigger" && o.Schema != "" {
		p.errs.Add(o.Pos, "%s: a trigger's name takes no schema; it belongs to its table (ON %s)", what, first.table.text)
		return false
	}
	if kind.Name == "sequence" && !p.ownedLater(what, o.Name, toks, posAt) {
		return false
	}
	var creates []*createStmt
	for _, st := range stmts {
		cs := parseCreate(src, st)
		if cs == nil || cs.kind != kind.Name {
			continue
		}
		if cs.problem != "" {
			if hasDrop {
				// drop: says how; the statement cannot be replaced in
				// place, nor commented on.
				o.Target, o.Replace, o.Signature = "", "", ""
				return true
			}
			p.errs.Add(posAt(cs.off), "the sql of %s: %s, so cpcgen cannot derive how to drop it; add drop: with the statements that remove it", what, cs.problem)
			return false
		}
		if cs.name.schema != o.Schema || cs.name.name != o.Local {
			if len(creates) == 0 {
				p.errs.Add(posAt(cs.name.off), "the sql of %s creates %s %q; name: must be the name it creates", what, kind.Noun, cs.name.String())
			} else {
				p.errs.Add(posAt(cs.name.off), "the sql of %s also creates %s %q; declare it as an object of its own", what, kind.Noun, cs.name.String())
			}
			return false
		}
		if len(creates) > 0 && cs.table != creates[0].table {
			p.errs.Add(posAt(cs.name.off), "the sql of %s creates trigger %q on %q too; declare each table's trigger as an object of its own", what, o.Name, cs.table.String())
			return false
		}
		creates = append(creates, cs)
	}
	o.Target = first.target
	if kind.Name == "trigger" {
		o.Table = first.table.String()
		aux.exec = first.exec
	}
	drops := make([]string, 0, len(creates))
	var sigs []string
	for i := len(creates) - 1; i >= 0; i-- {
		drops = append(drops, "DROP "+kind.Keyword+" "+creates[i].target)
	}
	for _, cs := range creates {
		sigs = append(sigs, cs.signature)
	}
	o.Drop = strings.Join(drops, ";\n")
	if kind.Replace {
		o.Signature = strings.Join(sigs, "; ")
		var b strings.Builder
		at := lead
		for _, cs := range creates {
			if cs.orReplace {
				continue
			}
			b.WriteString(src[at:cs.create.End()])
			b.WriteString(" OR REPLACE")
			at = cs.create.End()
		}
		b.WriteString(src[at : lead+len(o.SQL)])
		o.Replace = b.String()
	}
	return true
}

// objectSpace is the namespace an object's name lives in, for finding
// duplicates: functions and procedures share one, views, sequences and
// types another, a trigger's name is its table's.
func objectSpace(o *SQLObject) string {
	switch {
	case o.Kind.Name == "function" || o.Kind.Name == "procedure":
		return "routine " + o.Name
	case o.Kind.TypeSpace:
		return "type " + o.Name
	case o.Kind.Name == "trigger":
		return "trigger " + o.Name + " on " + o.Table
	}
	return o.Kind.Name + " " + o.Name
}

// resolveObjects checks the objects against each other and against the
// tables, enums and extensions once every file is read: duplicate names,
// names taken by tables, depends_on entries, cycles.
func (p *parser) resolveObjects() {
	seen := map[string]*SQLObject{}
	var kept []*SQLObject
	for _, o := range p.proj.Objects {
		key := objectSpace(o)
		if prev, dup := seen[key]; dup {
			if o.Kind.Name == "function" || o.Kind.Name == "procedure" {
				p.errs.Add(o.Pos, "%s is declared twice; first at %s; put the overloads of one function in the sql of one object", o.Title(), prev.Pos)
			} else {
				p.errs.Add(o.Pos, "duplicate %s; first declared at %s", o.Title(), prev.Pos)
			}
			continue
		}
		if o.Kind.TypeSpace && o.Schema == "" && o.View == nil {
			if first, clash := p.types[o.Name]; clash {
				other := "an enum"
				if _, isTable := p.tables[o.Name]; isTable {
					other = "a table"
				}
				p.errs.Add(o.Pos, "%s has the name of %s declared at %s; PostgreSQL keeps tables, views, sequences and types in one namespace", o.Title(), other, first)
				continue
			}
		}
		seen[key] = o
		kept = append(kept, o)
	}
	p.proj.Objects = kept
	byName := map[string][]*SQLObject{}
	for _, o := range kept {
		if o.Kind.Name != "trigger" {
			byName[o.Name] = append(byName[o.Name], o)
		}
	}
	var cands []string
	for _, o := range kept {
		cands = append(cands, o.Name)
	}
	cands = append(cands, p.tableNames()...)
	for _, e := range p.proj.Enums {
		cands = append(cands, e.Name)
	}
	for _, e := range p.proj.Extensions {
		cands = append(cands, e.Name)
	}
	for _, o := range kept {
		aux := p.objAux[o]
		for _, d := range aux.deps {
			dep := p.resolveDep(o, d, byName, cands)
			if dep != nil {
				o.DependsOn = append(o.DependsOn, dep)
			}
		}
		if o.Kind.Name != "trigger" {
			continue
		}
		// A trigger needs its table and its function.
		has := func(name string) bool {
			for _, d := range o.DependsOn {
				if d.Name == name {
					return true
				}
			}
			return false
		}
		if t := p.tables[o.Table]; t != nil && !has(t.Name) {
			o.DependsOn = append(o.DependsOn, &Dependency{Name: t.Name, Table: t, Implicit: true, Pos: o.SQLPos})
		}
		if fn := aux.exec.String(); fn != "" && !has(fn) {
			for _, f := range byName[fn] {
				if f.Kind.Name == "function" {
					o.DependsOn = append(o.DependsOn, &Dependency{Name: fn, Object: f, Implicit: true, Pos: o.SQLPos})
				}
			}
		}
	}
	p.objectCycles(kept)
}

// resolveDep resolves one depends_on entry of o. A name alone may name
// one object, or else a table, an enum or an extension; an object and a
// table of one name make it ambiguous, as two objects do, and the entry
// then says which with its kind ("table designers", "function
// designers").
func (p *parser) resolveDep(o *SQLObject, d depRef, byName map[string][]*SQLObject, cands []string) *Dependency {
	objs := byName[d.name]
	if d.kind != "" {
		objs = slices.DeleteFunc(slices.Clone(objs), func(x *SQLObject) bool { return x.Kind.Name != d.kind })
	}
	table, enum, ext := p.tables[d.name], p.enums[d.name], p.extByName[d.name]
	switch d.kind {
	case "":
	case "table":
		objs, enum, ext = nil, nil, nil
	case "enum":
		objs, table, ext = nil, nil, nil
	case "extension":
		objs, table, enum = nil, nil, nil
	default:
		table, enum, ext = nil, nil, nil
	}
	if table != nil && table.View != nil {
		// A view model: its object is the view.
		table = nil
	}
	if len(objs) > 0 && (len(objs) > 1 || table != nil || enum != nil || ext != nil) {
		// An object cannot depend on itself: the entry means the other.
		objs = slices.DeleteFunc(slices.Clone(objs), func(x *SQLObject) bool { return x == o })
	}
	var named []string
	for _, x := range objs {
		named = append(named, fmt.Sprintf("%s at %s (%q)", x.Title(), x.Pos, x.Kind.Name+" "+d.name))
	}
	if table != nil {
		named = append(named, fmt.Sprintf("table %q at %s (%q)", table.Name, table.Pos, "table "+d.name))
	}
	if enum != nil {
		named = append(named, fmt.Sprintf("enum %q at %s (%q)", enum.Name, enum.Pos, "enum "+d.name))
	}
	if ext != nil {
		named = append(named, fmt.Sprintf("extension %q (%q)", ext.Name, "extension "+d.name))
	}
	switch {
	case len(named) > 1:
		p.errs.Add(d.pos, "depends_on %q of %s is ambiguous: %s have that name; write the kind before the name, as in parentheses",
			d.name, o.Title(), strings.Join(named, " and "))
		return nil
	case len(objs) == 1:
		if objs[0] == o {
			p.errs.Add(d.pos, "%s depends on itself; remove %q from its depends_on", o.Title(), d.name)
			return nil
		}
		return &Dependency{Name: d.name, Object: objs[0], Pos: d.pos}
	case table != nil:
		return &Dependency{Name: d.name, Table: table, Pos: d.pos}
	case enum != nil:
		return &Dependency{Name: d.name, Enum: enum, Pos: d.pos}
	case ext != nil:
		return &Dependency{Name: d.name, Extension: ext, Pos: d.pos}
	}
	if d.kind == "" || d.kind == "trigger" {
		for _, other := range p.proj.Objects {
			if other.Kind.Name == "trigger" && other.Name == d.name {
				p.errs.Add(d.pos, "depends_on %q of %s names a trigger; nothing can depend on a trigger, remove it", d.name, o.Title())
				return nil
			}
		}
	}
	if d.kind != "" {
		what := d.kind
		if k := objectKind(d.kind); k != nil {
			what = k.Noun
		}
		p.errs.Add(d.pos, "depends_on of %s: no %s %q%s", o.Title(), what, clip(d.name), didYouMean(d.name, cands))
		return nil
	}
	p.errs.Add(d.pos, "depends_on of %s: unknown table, enum, extension or sql object %q%s", o.Title(), clip(d.name), didYouMean(d.name, cands))
	return nil
}

// objectCycles reports each cycle of depends_on between objects once,
// at the first object of the cycle in declaration order.
func (p *parser) objectCycles(objs []*SQLObject) {
	const (
		unseen = iota
		active
		done
	)
	state := map[*SQLObject]int{}
	var stack []*SQLObject
	var visit func(o *SQLObject)
	visit = func(o *SQLObject) {
		state[o] = active
		stack = append(stack, o)
		for _, d := range o.DependsOn {
			next := d.Object
			if next == nil {
				continue
			}
			switch state[next] {
			case unseen:
				visit(next)
			case active:
				i := len(stack) - 1
				for stack[i] != next {
					i--
				}
				var path []string
				for _, c := range stack[i:] {
					path = append(path, c.Title())
				}
				path = append(path, next.Title())
				p.errs.Add(d.Pos, "depends_on makes a cycle: %s; remove one of these dependencies", strings.Join(path, " → "))
			}
		}
		stack = stack[:len(stack)-1]
		state[o] = done
	}
	for _, o := range objs {
		if state[o] == unseen {
			visit(o)
		}
	}
}
