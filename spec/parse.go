package spec

import (
	"fmt"
	"slices"
	"sort"

	"github.com/cpcgen/cpcgen/internal/parallel"
)

// Parse validates spec files already in memory against cfg and returns
// the project. It reads no files (Load is ReadFile + ParseConfig +
// glob + Parse). Files are taken in name order; on error Parse returns
// an ErrorList with every problem found.
func Parse(cfg *Config, files []File) (*Project, error) {
	var errs ErrorList
	p := parse(cfg, files, nil, &errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// specFile is one parsed spec file.
type specFile struct {
	name string
	f    *fieldSet
}

// parser carries the state of one Parse.
type parser struct {
	decoder
	proj   *Project
	enums  map[string]*Enum
	tables map[string]*Table
	// types maps every enum and table name to where it was declared:
	// PostgreSQL keeps both in one namespace.
	types map[string]Pos
	// aux keeps what later passes need of each table and column.
	tabAux map[*Table]*tableAux
	colAux map[*Column]*columnAux
	// sources holds each file's text, to place errors inside SQL blocks.
	sources   map[string][]byte
	lines     map[string][]string
	lits      literalChecker
	tableList []string
	// queryNames are the query names of each table, to find duplicates.
	queryNames map[*Table]map[string]Pos
	// extByName are the declared extensions; objAux what later passes
	// need of each sql object.
	extByName map[string]*Extension
	objAux    map[*SQLObject]*objectAux
	// read reads a file an sql object names (file:), by its path
	// relative to the project root; nil when the run reads no files.
	read func(name string) ([]byte, error)
}

func parse(cfg *Config, files []File, read func(string) ([]byte, error), errs *ErrorList) *Project {
	if cfg == nil {
		cfg = &Config{}
	}
	p := &parser{
		decoder: decoder{errs: errs},
		proj:    &Project{Config: cfg},
		enums:   map[string]*Enum{},
		tables:  map[string]*Table{},
		types:   map[string]Pos{},
		tabAux:  map[*Table]*tableAux{},
		colAux:  map[*Column]*columnAux{},
		sources: map[string][]byte{},
		lines:   map[string][]string{},

		queryNames: map[*Table]map[string]Pos{},
		extByName:  map[string]*Extension{},
		objAux:     map[*SQLObject]*objectAux{},
		read:       read,
	}
	sorted := append([]File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	sorted = slices.CompactFunc(sorted, func(a, b File) bool { return a.Name == b.Name })
	// The files' YAML is parsed in parallel (a large project has many
	// files, and YAML is most of the time Load takes); each file's
	// problems are then reported in file order, as read one by one.
	roots := make([]*node, len(sorted))
	fileErrs := make([]ErrorList, len(sorted))
	parallel.For(len(sorted), func(i int) { roots[i] = parseYAML(sorted[i].Name, sorted[i].Data, &fileErrs[i]) })
	var specs []specFile
	for i, f := range sorted {
		p.proj.Files = append(p.proj.Files, f.Name)
		p.sources[f.Name] = f.Data
		*errs = append(*errs, fileErrs[i]...)
		fs := p.fields(roots[i], "spec file", specFileKeys...)
		if fs != nil {
			specs = append(specs, specFile{name: f.Name, f: fs})
		}
	}
	for _, sf := range specs {
		if e, ok := sf.f.get("enums"); ok {
			pairs, _ := p.mapping(e.value, "enums")
			for _, pr := range pairs {
				p.enum(pr)
			}
		}
	}
	var bodies []tableBody
	for _, sf := range specs {
		if t, ok := sf.f.get("tables"); ok {
			pairs, _ := p.mapping(t.value, "tables")
			for _, pr := range pairs {
				if tb, ok := p.declareTable(sf.name, pr); ok {
					bodies = append(bodies, tb)
				}
			}
		}
	}
	for _, tb := range bodies {
		p.tableBody(tb)
	}
	for _, tb := range bodies {
		p.resolveReferences(tb.t)
	}
	for _, tb := range bodies {
		p.resolveManyToMany(tb.t)
	}
	p.checkIndexNames()
	for _, sf := range specs {
		if q, ok := sf.f.get("queries"); ok {
			pairs, _ := p.mapping(q.value, "queries")
			for _, pr := range pairs {
				p.tableQueries(pr)
			}
		}
	}
	for _, sf := range specs {
		if e, ok := sf.f.get("extensions"); ok {
			p.extensions(sf.name, e.value)
		}
	}
	for _, sf := range specs {
		if o, ok := sf.f.get("sql_objects"); ok {
			p.sqlObjects(sf.name, o.value)
		}
	}
	p.resolveObjects()
	return p.proj
}

// declareName records an enum or table name, reporting clashes in the
// shared type namespace.
func (p *parser) declareName(kind, name string, pos Pos) bool {
	if first, dup := p.types[name]; dup {
		other := "an enum"
		if _, isTable := p.tables[name]; isTable {
			other = "a table"
		}
		if kind == "table" && other == "a table" || kind == "enum" && other == "an enum" {
			p.errs.Add(pos, "duplicate %s %q; first declared at %s", kind, name, first)
		} else {
			p.errs.Add(pos, "%s %q has the name of %s declared at %s; tables and enums share one namespace in PostgreSQL", kind, name, other, first)
		}
		return false
	}
	p.types[name] = pos
	return true
}

// The keys of a spec file and of an enum written as a mapping.
var (
	specFileKeys = []string{"extensions", "enums", "tables", "queries", "sql_objects"}
	enumKeys     = []string{"values", "comment", "go_name", "renamed_from"}
)

// enumValueKeys are the keys of an enum label written as a mapping.
var enumValueKeys = []string{"label", "renamed_from"}

// enumValue decodes one item of an enum's values: a label, or a mapping
// {label: paused, renamed_from: suspended}.
func (p *parser) enumValue(it *node, enum string) (EnumValue, bool) {
	v := EnumValue{Pos: it.pos}
	labelNode := it
	if it.kind == mappingNode {
		f := p.fields(it, fmt.Sprintf("a value of enum %q", enum), enumValueKeys...)
		if f == nil {
			return v, false
		}
		l, ok := f.get("label")
		if !ok {
			p.errs.Add(it.pos, "a value of enum %q written as a mapping needs label: (the value's name)", enum)
			return v, false
		}
		labelNode = l.value
		if r, ok := f.get("renamed_from"); ok {
			old, ok := p.label(r.value, "renamed_from")
			if !ok {
				return v, false
			}
			if old == "" {
				p.errs.Add(r.value.pos, "renamed_from of a value of enum %q is the empty label, which a migration hint cannot name; rename it with ALTER TYPE … RENAME VALUE in a migration of your own", enum)
				return v, false
			}
			v.RenamedFrom, v.RenamedFromPos = old, r.value.pos
		}
	}
	label, ok := p.label(labelNode, "enum label")
	if !ok {
		return v, false
	}
	v.Name = label
	if v.RenamedFrom != "" && v.RenamedFrom == label {
		p.errs.Add(v.RenamedFromPos, "label %q of enum %q is renamed from itself; drop renamed_from", label, enum)
		return v, false
	}
	return v, true
}

// label decodes an enum label: a string of at most 63 bytes. An empty
// label is valid in PostgreSQL (Coder's parameter_form_type has one for
// "the default").
func (p *parser) label(n *node, ctx string) (string, bool) {
	label, ok := p.str(n, ctx)
	if !ok {
		return "", false
	}
	if len(label) > MaxIdentLen {
		p.errs.Add(n.pos, "enum label %q is %d bytes; PostgreSQL allows at most %d", clip(label), len(label), MaxIdentLen)
		return "", false
	}
	return label, true
}

// enum decodes one entry of `enums:`.
func (p *parser) enum(pr pair) {
	name, valid := p.ident(pr.key, "enum")
	e := &Enum{Name: name, Pos: pr.key.pos}
	if valid && builtinTypeName(name) {
		p.errs.Add(pr.key.pos, "enum %q has the name of a built-in type; choose another name", name)
		valid = false
	}
	ctx := fmt.Sprintf("enum %q", name)
	valuesNode := pr.value
	if pr.value.kind == mappingNode {
		f := p.fields(pr.value, ctx, enumKeys...)
		if f == nil {
			return
		}
		p.naming(f, &e.Comment, &e.RenamedFrom, &e.GoName, &e.GoNamePos)
		v, ok := f.get("values")
		if !ok {
			p.errs.Add(pr.key.pos, "enum %q has no values", name)
			return
		}
		valuesNode = v.value
	} else if valuesNode.kind != sequenceNode {
		p.errs.Add(valuesNode.pos, "%s: expected a sequence of labels or a mapping with values, got %s", ctx, describe(valuesNode))
		return
	}
	items, ok := p.sequence(valuesNode, "values")
	if !ok {
		return
	}
	if len(items) == 0 {
		p.errs.Add(valuesNode.pos, "enum %q has no values", name)
	}
	seen := map[string]Pos{}
	for _, it := range items {
		v, ok := p.enumValue(it, name)
		if !ok {
			continue
		}
		if first, dup := seen[v.Name]; dup {
			p.errs.Add(it.pos, "duplicate label %q in enum %q; first at %s", v.Name, name, first)
			continue
		}
		seen[v.Name] = it.pos
		e.Values = append(e.Values, v)
	}
	renamed := map[string]Pos{}
	for _, v := range e.Values {
		if v.RenamedFrom == "" {
			continue
		}
		if at, taken := seen[v.RenamedFrom]; taken {
			p.errs.Add(v.RenamedFromPos, "label %q of enum %q is renamed from %q, which the enum still has (at %s); a value renamed keeps its place, so two labels cannot swap names in one migration: rename one of them to a free name first", v.Name, name, v.RenamedFrom, at)
		} else if first, dup := renamed[v.RenamedFrom]; dup {
			p.errs.Add(v.RenamedFromPos, "two labels of enum %q are renamed from %q; the other at %s", name, v.RenamedFrom, first)
		}
		renamed[v.RenamedFrom] = v.RenamedFromPos
	}
	if !valid || !p.declareName("enum", name, pr.key.pos) {
		return
	}
	p.enums[name] = e
	p.proj.Enums = append(p.proj.Enums, e)
}
