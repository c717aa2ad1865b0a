package spec

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// tableBody is a declared table whose body is still to decode.
type tableBody struct {
	t *Table
	n *node
}

// tableAux is what later passes need of a table.
type tableAux struct {
	m2m  []m2mSpec
	cols map[string]*Column // columns by name, for fast lookups
	keys [][]*Column        // unique keys, computed once
}

// MaxColumns is PostgreSQL's limit on the columns of a table.
const MaxColumns = 1600

// col returns t's column with the given name, or nil.
func (p *parser) col(t *Table, name string) *Column {
	if aux := p.tabAux[t]; aux != nil && aux.cols != nil {
		return aux.cols[name]
	}
	return t.Column(name)
}

// addColumn appends c to t.
func (p *parser) addColumn(t *Table, c *Column) {
	t.Columns = append(t.Columns, c)
	aux := p.tabAux[t]
	if aux.cols == nil {
		aux.cols = map[string]*Column{}
	}
	if _, dup := aux.cols[c.Name]; !dup {
		aux.cols[c.Name] = c
	}
}

// keysOf returns t's unique keys, computed once all of t is decoded.
func (p *parser) keysOf(t *Table) [][]*Column {
	aux := p.tabAux[t]
	if aux.keys == nil {
		aux.keys = uniqueKeys(t)
		if aux.keys == nil {
			aux.keys = [][]*Column{}
		}
	}
	return aux.keys
}

// m2mSpec is an undecoded many_to_many entry.
type m2mSpec struct {
	name                string
	pos                 Pos
	through, from, to   string
	throughPos, fromPos Pos
	toPos               Pos
}

// columnAux is what later passes need of a column.
type columnAux struct {
	typeOK   bool
	ref      *node // the references: value
	refTable string
	refCol   string
	onDelete string
	onUpdate string
	onPos    map[string]Pos
	refName  string // references_name:
	deferred string // deferrable:
}

var tableKeys = []string{
	"comment", "columns", "primary_key", "primary_key_name", "indexes", "checks", "timestamps",
	"soft_delete", "optimistic_lock", "audit", "tenant", "many_to_many",
	"distributed_by", "reference", "renamed_from", "go_name", "cache",
	"partition", "view", "methods",
}

// cacheKeys are the keys of cache: written as a mapping.
var cacheKeys = []string{"ttl", "max_entries"}

// tenantKeys are the keys of tenant: written as a mapping.
var tenantKeys = []string{"column", "allow_sequential_ids"}

var columnKeys = []string{
	"type", "nullable", "primary_key", "identity", "serial", "unique", "default", "check",
	"references", "on_delete", "on_update", "references_name", "deferrable", "unique_name", "comment", "go_type", "go_name", "renamed_from",
	"sensitive", "validate", "min_length", "max_length", "min", "max", "pattern",
	"not_empty", "generated", "global", "collation",
}

var ruleKeys = map[string]bool{
	"validate": true, "min_length": true, "max_length": true, "min": true,
	"max": true, "pattern": true, "not_empty": true,
}

// Formats are the named formats `validate:` accepts.
var Formats = []string{"email", "url", "uuid", "hostname", "e164", "slug", "alpha", "alphanumeric"}

var fkActions = []string{"cascade", "restrict", "set null", "set default", "no action"}

// IndexMethods are the index access methods an index may name.
var IndexMethods = []string{"btree", "hash", "gist", "gin", "brin", "spgist"}

// declareTable records a table's name; its body is decoded later, once
// every enum and table name is known.
func (p *parser) declareTable(file string, pr pair) (tableBody, bool) {
	name, ok := p.ident(pr.key, "table")
	t := &Table{Name: name, File: file, Pos: pr.key.pos}
	if !ok || !p.declareName("table", name, pr.key.pos) {
		// Still check the body, so one run reports its problems too;
		// the table stays out of the project.
		p.tabAux[t] = &tableAux{}
		return tableBody{t: t, n: pr.value}, true
	}
	p.tables[name] = t
	p.proj.Tables = append(p.proj.Tables, t)
	p.tabAux[t] = &tableAux{}
	return tableBody{t: t, n: pr.value}, true
}

func (p *parser) tableBody(tb tableBody) {
	t := tb.t
	ctx := fmt.Sprintf("table %q", t.Name)
	f := p.fields(tb.n, ctx, tableKeys...)
	if f == nil {
		return
	}
	p.naming(f, &t.Comment, &t.RenamedFrom, &t.GoName, &t.GoNamePos)
	cols, hasCols := f.get("columns")
	if !hasCols {
		p.errs.Add(t.Pos, "table %q has no columns", t.Name)
	} else if pairs, ok := p.mapping(cols.value, "columns"); ok {
		if len(pairs) == 0 {
			p.errs.Add(cols.key.pos, "table %q has no columns", t.Name)
		}
		if len(pairs) > MaxColumns {
			p.errs.Add(cols.key.pos, "table %q has %d columns; PostgreSQL allows at most %d", t.Name, len(pairs), MaxColumns)
			pairs = pairs[:MaxColumns]
		}
		for _, pr := range pairs {
			p.addColumn(t, p.column(t, pr))
		}
	}
	p.primaryKey(t, f, hasCols)
	p.tableOptions(t, f)
	if v, ok := f.get("indexes"); ok {
		items, _ := p.sequence(v.value, "indexes")
		for _, it := range items {
			if ix := p.index(t, it); ix != nil {
				t.Indexes = append(t.Indexes, ix)
			}
		}
	}
	p.checkGlobal(t)
	p.sameKeys(t)
	if v, ok := f.get("checks"); ok {
		items, _ := p.sequence(v.value, "checks")
		seen := map[string]Pos{}
		for _, it := range items {
			ck := p.check(it)
			if ck == nil {
				continue
			}
			if ck.Name != "" {
				if first, dup := seen[ck.Name]; dup {
					p.errs.Add(ck.Pos, "duplicate check name %q in table %q; first at %s", ck.Name, t.Name, first)
				}
				seen[ck.Name] = ck.Pos
			}
			t.Checks = append(t.Checks, ck)
		}
	}
	p.unquotedCapitals(t)
	if v, ok := f.get("partition"); ok {
		p.partition(t, v)
		p.checkPartitionKeys(t)
	}
	if v, ok := f.get("many_to_many"); ok {
		pairs, _ := p.mapping(v.value, "many_to_many")
		for _, pr := range pairs {
			p.manyToManySpec(t, pr)
		}
	}
	if v, ok := f.get("view"); ok {
		p.view(t, f, v)
	}
	p.keyless(t, f)
}

// unquotedCapitals reports a column whose name PostgreSQL would fold
// (capitals: createdAt) written as it is but unquoted in an SQL
// expression of its table: a check, a default, a generated column, an
// index's expression or predicate. PostgreSQL reads the word as
// createdat and finds no such column; only the database said so, with
// no place in the specs.
func (p *parser) unquotedCapitals(t *Table) {
	capitals := map[string]bool{}
	for _, c := range t.Columns {
		if c.Name != strings.ToLower(c.Name) && t.Column(strings.ToLower(c.Name)) == nil {
			capitals[c.Name] = true
		}
	}
	if len(capitals) == 0 {
		return
	}
	look := func(expr string, pos Pos, what string) {
		toks, err := sqllex.Lex(expr)
		if err != nil {
			return
		}
		for _, tok := range toks {
			if tok.Kind == sqllex.Word && capitals[tok.Text] {
				p.errs.Add(pos, "%s names column %s unquoted, which PostgreSQL reads as %s, a column table %q does not have; write it quoted: %s", what, tok.Text, strings.ToLower(tok.Text), t.Name, names.QuoteIdent(tok.Text))
				return
			}
		}
	}
	for _, c := range t.Columns {
		look(c.Check, c.CheckPos, fmt.Sprintf("the check of column %q", c.Name))
		look(c.Generated, c.GeneratedPos, fmt.Sprintf("the generated expression of column %q", c.Name))
		if c.Default != nil {
			look(c.Default.Expr, c.Default.Pos, fmt.Sprintf("the default of column %q", c.Name))
		}
	}
	for _, ck := range t.Checks {
		look(ck.Expr, ck.Pos, "the check")
	}
	for _, ix := range t.Indexes {
		for _, part := range ix.Parts {
			look(part.Expr, part.Pos, "the index's expression")
		}
		look(ix.Where, ix.Pos, "the index's predicate")
	}
}

// keyNeeded are the table options that find, change or remember a row by
// its primary key, which a table without one cannot have.
var keyNeeded = []string{"soft_delete", "optimistic_lock", "audit", "tenant", "cache", "many_to_many", "distributed_by"}

// keyless reports the options of a table without a primary key that need
// one. Such a table gets Create, CreateMany, FindAll, Stream, Count and
// its queries; nothing that finds, updates or deletes a row by key.
func (p *parser) keyless(t *Table, f *fieldSet) {
	if len(t.PrimaryKey) > 0 || f.has("primary_key") {
		return
	}
	for _, key := range keyNeeded {
		if v, ok := f.get(key); ok {
			if v.value.kind == scalarNode && v.value.tag == "!!bool" && strings.EqualFold(v.value.value, "false") {
				continue
			}
			p.errs.Add(v.key.pos, "table %q has no primary key, which %s needs; add primary_key: true to a column or primary_key: [columns] to the table", t.Name, key)
		}
	}
}

// column decodes one entry of a table's `columns:`.
func (p *parser) column(t *Table, pr pair) *Column {
	name, ok := p.str(pr.key, "column")
	if ok {
		checkIdent(p.errs, pr.key.pos, "column", name)
	}
	c := &Column{Name: name, Pos: pr.key.pos}
	aux := &columnAux{onPos: map[string]Pos{}}
	p.colAux[c] = aux
	ctx := fmt.Sprintf("column %q", name)
	var f *fieldSet
	typeNode := pr.value
	switch {
	case pr.value.isNull():
		p.errs.Add(pr.key.pos, "column %q has no type; write %s: text or %s: {type: text}", name, name, name)
		return c
	case pr.value.kind == mappingNode:
		f = p.fields(pr.value, ctx, columnKeys...)
		v, ok := f.get("type")
		if !ok {
			p.errs.Add(pr.key.pos, "column %q has no type; add type: to it", name)
			typeNode = nil
		} else {
			typeNode = v.value
		}
	case pr.value.kind == sequenceNode:
		p.errs.Add(pr.value.pos, "%s: expected a type or a mapping, got a sequence", ctx)
		return c
	}
	if typeNode != nil && typeNode.kind == mappingNode {
		if typ, ok := p.sqlType(typeNode); ok {
			c.Type, aux.typeOK = typ, true
		}
	} else if typeNode != nil {
		if s, ok := p.str(typeNode, "type"); ok {
			typ, err := parseType(s, p.enums)
			if err != nil {
				p.errs.Add(typeNode.pos, "%v", err)
			} else {
				c.Type, aux.typeOK = typ, true
			}
		}
	}
	if f == nil {
		p.defaultRules(c, aux)
		return c
	}
	boolField := func(key string, dst *bool) {
		if v, ok := f.get(key); ok {
			*dst, _ = p.boolean(v.value, key)
		}
	}
	boolField("nullable", &c.Nullable)
	boolField("primary_key", &c.PrimaryKey)
	boolField("identity", &c.Identity)
	boolField("serial", &c.Serial)
	boolField("unique", &c.Unique)
	if v, ok := f.get("unique"); ok {
		c.UniquePos = v.key.pos
	}
	if v, ok := f.get("global"); ok {
		c.Global, _ = p.boolean(v.value, "global")
		c.GlobalPos = v.key.pos
	}
	boolField("sensitive", &c.Sensitive)
	if v, ok := f.get("collation"); ok {
		if s, ok := p.nonEmpty(v.value, "collation"); ok {
			switch {
			case !names.CollationName(s):
				p.errs.Add(v.value.pos, "collation %q is not a collation name: letters, digits, _, -, @, = and dots, up to 63 bytes (\"C\", und-x-icu, en_US.utf8)", clip(s))
			case aux.typeOK && c.Type.Enum == nil && (c.Type.Base == nil || !c.Type.Base.Text):
				p.errs.Add(v.key.pos, "column %q: collation applies to text columns (text, varchar, char, citext and arrays of them), not %s", name, c.Type)
			default:
				c.Collation = s
			}
		}
	}
	p.naming(f, &c.Comment, &c.RenamedFrom, &c.GoName, &c.GoNamePos)
	if v, ok := f.get("generated"); ok {
		c.Generated, _ = p.nonEmpty(v.value, "generated")
		c.GeneratedPos = v.value.pos
		for _, key := range []string{"default", "identity", "serial"} {
			if f.has(key) {
				p.errs.Add(f.byKey[key].key.pos, "generated column %q cannot have %s:; the database computes its value from %q", name, key, clip(c.Generated))
			}
		}
	}
	if v, ok := f.get("check"); ok {
		c.Check, _ = p.nonEmpty(v.value, "check")
		c.CheckPos = v.value.pos
	}
	if v, ok := f.get("go_type"); ok {
		if s, ok := p.str(v.value, "go_type"); ok {
			if msg := checkGoType(s); msg != "" {
				p.errs.Add(v.value.pos, "go_type %q %s", clip(s), msg)
			}
			c.GoType = s
		}
	}
	if c.Identity && aux.typeOK {
		if !c.Type.isInteger() {
			p.errs.Add(f.byKey["identity"].key.pos, "identity: true needs a smallint, integer or bigint column; column %q is %s", name, c.Type)
		}
	}
	if c.Identity && c.Nullable {
		p.errs.Add(f.byKey["identity"].key.pos, "identity column %q cannot be nullable", name)
	}
	if c.Serial {
		pos := f.byKey["serial"].key.pos
		switch {
		case c.Identity:
			p.errs.Add(pos, "column %q is identity: true or serial: true, not both; new tables use identity columns", name)
		case aux.typeOK && !c.Type.isInteger():
			p.errs.Add(pos, "serial: true needs a smallint, integer or bigint column; column %q is %s", name, c.Type)
		case c.Nullable:
			p.errs.Add(pos, "serial column %q cannot be nullable", name)
		}
	}
	if v, ok := f.get("default"); ok {
		switch {
		case c.Identity:
			p.errs.Add(v.key.pos, "identity column %q cannot have a default; the sequence provides it", name)
		case c.Serial:
			p.errs.Add(v.key.pos, "serial column %q cannot have a default; its sequence provides it", name)
		}
		c.Default = p.defaultValue(c, v.value, aux.typeOK)
	}
	if v, ok := f.get("references"); ok {
		if s, ok := p.nonEmpty(v.value, "references"); ok {
			aux.ref = v.value
			aux.refTable, aux.refCol, _ = strings.Cut(s, ".")
		}
	}
	if v, ok := f.get("references_name"); ok {
		if n, ok := p.ident(v.value, "references_name"); ok {
			if !f.has("references") {
				p.errs.Add(v.key.pos, "references_name needs references: on column %q", name)
			}
			aux.refName = n
		}
	}
	if v, ok := f.get("deferrable"); ok {
		if d, ok := p.oneOf(v.value, "deferrable", "immediate", "deferred"); ok {
			if !f.has("references") {
				p.errs.Add(v.key.pos, "deferrable needs references: on column %q", name)
			}
			aux.deferred = d
		}
	}
	if v, ok := f.get("unique_name"); ok {
		if n, ok := p.ident(v.value, "unique_name"); ok {
			if !c.Unique {
				p.errs.Add(v.key.pos, "unique_name needs unique: true on column %q", name)
			}
			c.UniqueName = n
		}
	}
	for _, key := range []string{"on_delete", "on_update"} {
		v, ok := f.get(key)
		if !ok {
			continue
		}
		act, ok := p.oneOf(v.value, key, fkActions...)
		if !ok {
			continue
		}
		if !f.has("references") {
			p.errs.Add(v.key.pos, "%s needs references: on column %q", key, name)
			continue
		}
		if act == "no action" {
			act = ""
		}
		if key == "on_delete" {
			aux.onDelete = act
		} else {
			aux.onUpdate = act
		}
		aux.onPos[key] = v.value.pos
	}
	if b := c.noKey(); c.Unique && b != nil {
		p.errs.Add(f.byKey["unique"].key.pos, "column %q cannot be unique: %s", name, noKeyAdvice(b))
	}
	p.rules(c, aux, f)
	return c
}

var goTypeNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var goTypePathRE = regexp.MustCompile(`^[A-Za-z0-9._~+\-]+(/[A-Za-z0-9._~+\-]+)*$`)

// checkGoType returns why s is not a go_type, or "".
func checkGoType(s string) string {
	t := strings.TrimPrefix(s, "*")
	pkg, name := "", t
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		pkg, name = t[:i], t[i+1:]
	}
	switch {
	case !goTypeNameRE.MatchString(name):
		return "is not a Go type: write Name, path/to/pkg.Name or *path/to/pkg.Name"
	case pkg != "" && !goTypePathRE.MatchString(pkg):
		return "has an invalid import path: write path/to/pkg.Name"
	case pkg != "" && !(name[0] >= 'A' && name[0] <= 'Z'):
		return "names an unexported type of another package"
	}
	return ""
}

// defaultValue decodes a column's default.
func (p *parser) defaultValue(c *Column, n *node, typeOK bool) *Default {
	d := &Default{Pos: n.pos}
	if n.kind == mappingNode && len(n.pairs) == 1 && n.pairs[0].key.value == "sql" {
		s, ok := p.nonEmpty(n.pairs[0].value, "default sql")
		if ok {
			d.Kind, d.Expr = DefaultExpr, s
		}
		return d
	}
	if isExpr(n) {
		d.Kind, d.Expr = DefaultExpr, strings.TrimSpace(n.value)
		return d
	}
	if !typeOK {
		return d
	}
	lit, err := p.lits.check(n, c.Type)
	if err != nil {
		p.errs.Add(n.pos, "invalid default for column %q: %v", c.Name, err)
		return d
	}
	d.Literal = lit
	return d
}

// defaultRules fills in the rules implied by the type alone.
func (p *parser) defaultRules(c *Column, aux *columnAux) {
	if n := c.Type.maxLen(); n > 0 && c.Rules.MaxLength == nil {
		c.Rules.MaxLength = &n
	}
}

// rules decodes a column's validation rules.
func (p *parser) rules(c *Column, aux *columnAux, f *fieldSet) {
	r := &c.Rules
	for _, pr := range f.n.pairs {
		if ruleKeys[pr.key.value] {
			r.Pos = pr.key.pos
			break
		}
	}
	typ := c.Type.String()
	needText := func(key string) bool {
		if aux.typeOK && !c.Type.isTextLike() {
			p.errs.Add(f.byKey[key].key.pos, "%s applies to text columns; column %q is %s", key, c.Name, typ)
			return false
		}
		return true
	}
	length := func(key string) *int {
		v, ok := f.get(key)
		if !ok {
			return nil
		}
		n, ok := p.integer(v.value, key)
		if !ok {
			return nil
		}
		if n < 0 || n > MaxVarcharLen {
			p.errs.Add(v.value.pos, "%s must be between 0 and %d", key, MaxVarcharLen)
			return nil
		}
		if !needText(key) {
			return nil
		}
		i := int(n)
		return &i
	}
	r.MinLength = length("min_length")
	r.MaxLength = length("max_length")
	if r.MaxLength != nil {
		if n := c.Type.maxLen(); n > 0 && *r.MaxLength > n {
			p.errs.Add(f.byKey["max_length"].value.pos, "max_length %d is more than %s allows", *r.MaxLength, typ)
		}
	}
	p.defaultRules(c, aux)
	if r.MinLength != nil && r.MaxLength != nil && *r.MinLength > *r.MaxLength {
		p.errs.Add(f.byKey["min_length"].value.pos, "min_length %d is more than max_length %d", *r.MinLength, *r.MaxLength)
	}
	if v, ok := f.get("validate"); ok {
		if s, ok := p.oneOf(v.value, "validate", Formats...); ok && needText("validate") {
			r.Format = s
		}
	}
	if v, ok := f.get("pattern"); ok {
		if s, ok := p.nonEmpty(v.value, "pattern"); ok {
			if _, err := regexp.Compile(s); err != nil {
				p.errs.Add(v.value.pos, "pattern %q is not a valid regular expression: %v", clip(s), strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			} else if needText("pattern") {
				r.Pattern = s
			}
		}
	}
	if v, ok := f.get("not_empty"); ok {
		if b, ok := p.boolean(v.value, "not_empty"); ok && b {
			if aux.typeOK && !c.Type.isTextLike() && c.Type.ArrayDims == 0 {
				p.errs.Add(v.key.pos, "not_empty applies to text and array columns; column %q is %s", c.Name, typ)
			} else {
				r.NotEmpty = true
			}
		}
	}
	var bounds [2]*pgtypes.Decimal
	for i, key := range []string{"min", "max"} {
		v, ok := f.get(key)
		if !ok {
			continue
		}
		if v.value.kind != scalarNode || v.value.isNull() {
			p.errs.Add(v.value.pos, "%s: expected a number, got %s", key, describe(v.value))
			continue
		}
		d, err := pgtypes.ParseDecimal(v.value.value)
		if err != nil {
			p.errs.Add(v.value.pos, "%s: %v", key, err)
			continue
		}
		if aux.typeOK && !c.Type.isNumeric() {
			p.errs.Add(v.key.pos, "%s applies to numeric columns; column %q is %s", key, c.Name, typ)
			continue
		}
		if c.Type.isInteger() && !d.IsWhole() {
			p.errs.Add(v.value.pos, "%s %s is not a whole number, but column %q is %s", key, d, c.Name, typ)
			continue
		}
		bounds[i] = &d
		if key == "min" {
			r.Min = strings.TrimSpace(v.value.value)
		} else {
			r.Max = strings.TrimSpace(v.value.value)
		}
	}
	if bounds[0] != nil && bounds[1] != nil && bounds[0].Rat().Cmp(bounds[1].Rat()) > 0 {
		p.errs.Add(f.byKey["min"].value.pos, "min %s is more than max %s", bounds[0], bounds[1])
	}
}

// columnNames lists a table's column names, for suggestions.
func columnNames(t *Table) []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// lookupColumn finds a column of t named by n, reporting a missing one
// with a suggestion; what says where the name appears ("in index").
func (p *parser) lookupColumn(t *Table, n *node, what string) *Column {
	name, ok := p.str(n, "column")
	if !ok {
		return nil
	}
	if c := p.col(t, name); c != nil {
		return c
	}
	p.errs.Add(n.pos, "unknown column %q %s%s", clip(name), what, didYouMean(name, columnNames(t)))
	return nil
}

// primaryKey resolves a table's primary key.
func (p *parser) primaryKey(t *Table, f *fieldSet, hasCols bool) {
	var marked []*Column
	for _, c := range t.Columns {
		if c.PrimaryKey {
			marked = append(marked, c)
		}
	}
	if v, ok := f.get("primary_key"); ok {
		items := oneOrMore(v.value)
		if len(items) == 0 {
			p.errs.Add(v.value.pos, "primary_key lists no columns")
		}
		for _, c := range marked {
			p.errs.Add(c.Pos, "column %q says primary_key: true, but table %q lists its key in primary_key:; use one or the other", c.Name, t.Name)
		}
		seen := map[*Column]bool{}
		for _, it := range items {
			c := p.lookupColumn(t, it, "in primary_key")
			if c == nil {
				continue
			}
			if seen[c] {
				p.errs.Add(it.pos, "column %q appears twice in primary_key", c.Name)
				continue
			}
			seen[c] = true
			c.PrimaryKey = true
			t.PrimaryKey = append(t.PrimaryKey, c)
		}
	} else {
		switch {
		case len(marked) == 1:
			t.PrimaryKey = marked
		case len(marked) > 1:
			for _, c := range marked[1:] {
				p.errs.Add(c.Pos, "several columns of table %q say primary_key: true; for a composite key write primary_key: [%s] on the table", t.Name, joinNames(marked))
			}
			t.PrimaryKey = marked
		}
		// A table without a primary key is allowed: its repository
		// creates, counts and reads rows, and has no methods by key
		// (see keyless).
	}
	for _, c := range t.PrimaryKey {
		if c.Nullable {
			p.errs.Add(c.Pos, "primary key column %q cannot be nullable", c.Name)
		}
		if b := c.noKey(); b != nil {
			p.errs.Add(c.Pos, "primary key column %q cannot be of this type: %s", c.Name, noKeyAdvice(b))
		}
	}
	if v, ok := f.get("primary_key_name"); ok {
		if n, ok := p.ident(v.value, "primary_key_name"); ok {
			if len(t.PrimaryKey) == 0 {
				p.errs.Add(v.key.pos, "primary_key_name names the primary key, but table %q has none", t.Name)
			}
			t.PrimaryKeyName, t.PrimaryKeyNamePos = n, v.value.pos
		}
	}
}

func joinNames(cols []*Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// optionColumn decodes `true`, `false` or a column name.
func (p *parser) optionColumn(f *fieldSet, key, def string) (string, Pos, bool) {
	v, ok := f.get(key)
	if !ok {
		return "", Pos{}, false
	}
	if v.value.kind == scalarNode && v.value.tag == "!!bool" {
		b, _ := p.boolean(v.value, key)
		if !b {
			return "", Pos{}, false
		}
		return def, v.key.pos, true
	}
	if v.value.kind != scalarNode || v.value.isNull() {
		p.errs.Add(v.value.pos, "%s: expected true or a column name, got %s", key, describe(v.value))
		return "", Pos{}, false
	}
	name, ok := p.ident(v.value, key+" column")
	return name, v.value.pos, ok
}

// managed takes over a declared column for a table option, or adds an
// implied one. check says why a declared column does not fit, or "".
func (p *parser) managed(t *Table, name string, kind Managed, option string, pos Pos, implied Column, check func(*Column) string) *Column {
	if c := p.col(t, name); c != nil {
		if c.Managed != NotManaged {
			p.errs.Add(pos, "column %q is already managed by another table option; %s needs its own column", name, option)
			return c
		}
		c.Managed = kind
		if aux := p.colAux[c]; aux != nil && aux.typeOK {
			if why := check(c); why != "" {
				p.errs.Add(c.Pos, "column %q is used by %s, so it must be %s", name, option, why)
			}
		}
		return c
	}
	c := implied
	c.Name, c.Managed, c.Implied, c.Pos = name, kind, true, pos
	if c.Default != nil {
		d := *c.Default
		d.Pos = pos
		c.Default = &d
	}
	p.addColumn(t, &c)
	p.colAux[&c] = &columnAux{typeOK: true, onPos: map[string]Pos{}}
	return &c
}

// tableOptions decodes timestamps, soft_delete, optimistic_lock, audit,
// tenant, cache, distributed_by and reference.
func (p *parser) tableOptions(t *Table, f *fieldSet) {
	timestampCheck := func(c *Column) string {
		if c.Nullable || !c.Type.isTimestamp() {
			return "a non-null timestamptz or timestamp"
		}
		return ""
	}
	if v, ok := f.get("timestamps"); ok {
		if b, ok := p.boolean(v.value, "timestamps"); ok && b {
			t.Timestamps = true
			implied := Column{
				Type:    builtin("timestamptz"),
				Default: &Default{Kind: DefaultExpr, Expr: "now()"},
			}
			t.CreatedAt = p.managed(t, "created_at", ManagedCreatedAt, "timestamps", v.key.pos, implied, timestampCheck)
			t.UpdatedAt = p.managed(t, "updated_at", ManagedUpdatedAt, "timestamps", v.key.pos, implied, timestampCheck)
		}
	}
	if name, pos, ok := p.optionColumn(f, "soft_delete", "deleted_at"); ok {
		t.SoftDelete = p.managed(t, name, ManagedDeletedAt, "soft_delete", pos,
			Column{Type: builtin("timestamptz"), Nullable: true},
			func(c *Column) string {
				if !c.Nullable || !c.Type.isTimestamp() {
					return "a nullable timestamptz or timestamp"
				}
				return ""
			})
	}
	if name, pos, ok := p.optionColumn(f, "optimistic_lock", "version"); ok {
		t.Version = p.managed(t, name, ManagedVersion, "optimistic_lock", pos,
			Column{Type: builtin("bigint"), Default: &Default{Kind: DefaultLiteral, Literal: "1"}},
			func(c *Column) string {
				if b := c.Type.scalar(); c.Nullable || b == nil || !b.Version {
					return "a non-null integer or bigint"
				}
				return ""
			})
	}
	if v, ok := f.get("audit"); ok {
		t.Audit, _ = p.boolean(v.value, "audit")
	}
	if v, ok := f.get("tenant"); ok {
		t.TenantPos = v.key.pos
		col := v.value
		if v.value.kind == mappingNode {
			col = nil
			if tf := p.fields(v.value, "tenant", tenantKeys...); tf != nil {
				if cv, ok := tf.get("column"); ok {
					col = cv.value
				} else {
					p.errs.Add(v.value.pos, "tenant: the mapping form needs column: <the tenant column>")
				}
				if a, ok := tf.get("allow_sequential_ids"); ok {
					t.AllowSequentialIDs, _ = p.boolean(a.value, "allow_sequential_ids")
				}
			}
		}
		if c := p.lookupTenant(t, col); c != nil {
			switch {
			case c.Implied:
				p.errs.Add(v.value.pos, "tenant column %q must be declared under columns", c.Name)
			case c.Nullable:
				p.errs.Add(v.value.pos, "tenant column %q cannot be nullable", c.Name)
			default:
				t.Tenant = c
			}
		}
	}
	if v, ok := f.get("cache"); ok {
		t.Cache = p.cacheOption(v)
	}
	if v, ok := f.get("methods"); ok {
		if m, ok := p.methods(v.value, "methods"); ok {
			t.Methods = &m
		}
	}
	if v, ok := f.get("reference"); ok {
		t.Reference, _ = p.boolean(v.value, "reference")
		t.ReferencePos = v.key.pos
	}
	if v, ok := f.get("distributed_by"); ok {
		t.DistributedByPos = v.key.pos
		if t.Reference {
			p.errs.Add(v.key.pos, "table %q has both distributed_by and reference: true; a table is either distributed or replicated", t.Name)
		}
		t.DistributedBy = p.lookupColumn(t, v.value, "in distributed_by")
	}
}

// checkGlobal refuses global: where it means nothing: on a key that is
// not unique, or on a table without tenant:, whose keys are all global.
func (p *parser) checkGlobal(t *Table) {
	why := func(unique bool) string {
		switch {
		case !unique:
			return "global: true applies to a unique key; add unique: true or remove global"
		case t.Tenant == nil:
			return "global: true applies to a unique key of a tenant table (tenant:); a table without tenant: has only global keys, remove global"
		}
		return ""
	}
	for _, c := range t.Columns {
		if !c.Global {
			continue
		}
		if w := why(c.Unique); w != "" {
			p.errs.Add(c.GlobalPos, "column %q: %s", c.Name, w)
		}
	}
	for _, ix := range t.Indexes {
		if !ix.Global {
			continue
		}
		if w := why(ix.Unique); w != "" {
			p.errs.Add(ix.GlobalPos, "index: %s", w)
		}
	}
}

// lookupTenant resolves the tenant column named by n (nil after an
// error already reported).
func (p *parser) lookupTenant(t *Table, n *node) *Column {
	if n == nil {
		return nil
	}
	return p.lookupColumn(t, n, "in tenant")
}

// cacheOption decodes cache: true, false, or {ttl, max_entries}.
func (p *parser) cacheOption(v pair) *Cache {
	if v.value.kind == scalarNode && v.value.tag == "!!bool" {
		if on, ok := p.boolean(v.value, "cache"); ok && on {
			return &Cache{Pos: v.key.pos}
		}
		return nil
	}
	if v.value.kind != mappingNode {
		p.errs.Add(v.value.pos, "cache: expected true, false or a mapping with ttl and max_entries, got %s", describe(v.value))
		return nil
	}
	f := p.fields(v.value, "cache", cacheKeys...)
	if f == nil {
		return nil
	}
	c := &Cache{Pos: v.key.pos}
	if ttl, ok := f.get("ttl"); ok {
		s, isStr := "", ttl.value.kind == scalarNode && ttl.value.tag == "!!str"
		if isStr {
			s = ttl.value.value
		}
		d, err := time.ParseDuration(s)
		switch {
		case !isStr || err != nil:
			p.errs.Add(ttl.value.pos, "cache: ttl must be a duration such as 90s, 10m or 1h30m, got %s", describe(ttl.value))
		case d <= 0:
			p.errs.Add(ttl.value.pos, "cache: ttl must be positive, got %s; leave it out for no time limit", s)
		case d%time.Millisecond != 0:
			p.errs.Add(ttl.value.pos, "cache: ttl %s is finer than a millisecond; round it", s)
		default:
			c.TTL = d
		}
	}
	if n, ok := f.get("max_entries"); ok {
		if m, ok := p.integer(n.value, "cache: max_entries"); ok {
			if m < 1 || m > 1<<31-1 {
				p.errs.Add(n.value.pos, "cache: max_entries must be a positive number, got %d", m)
			} else {
				c.MaxEntries = int(m)
			}
		}
	}
	return c
}

// The keys of an index, of an index part written as a mapping, of a
// check and of a many_to_many relation.
var (
	indexKeys     = []string{"name", "columns", "unique", "global", "constraint", "nulls_not_distinct", "where", "method"}
	indexPartKeys = []string{"column", "expr", "desc", "nulls"}
	checkKeys     = []string{"name", "expr"}
	relationKeys  = []string{"through", "from", "to"}
)

// index decodes one entry of `indexes:`.
func (p *parser) index(t *Table, n *node) *Index {
	f := p.fields(n, "index", indexKeys...)
	if f == nil {
		return nil
	}
	ix := &Index{Pos: n.pos}
	if v, ok := f.get("name"); ok {
		ix.Name, _ = p.ident(v.value, "index")
	}
	if v, ok := f.get("unique"); ok {
		ix.Unique, _ = p.boolean(v.value, "unique")
	}
	if v, ok := f.get("global"); ok {
		ix.Global, _ = p.boolean(v.value, "global")
		ix.GlobalPos = v.key.pos
	}
	if v, ok := f.get("where"); ok {
		ix.Where, _ = p.nonEmpty(v.value, "where")
	}
	constraint, hasConstraint := f.get("constraint")
	if hasConstraint {
		ix.Constraint, _ = p.boolean(constraint.value, "constraint")
	}
	if v, ok := f.get("nulls_not_distinct"); ok {
		ix.NullsNotDistinct, _ = p.boolean(v.value, "nulls_not_distinct")
		if ix.NullsNotDistinct && !ix.Unique {
			p.errs.Add(v.key.pos, "nulls_not_distinct: true makes NULLs conflict in a unique index; add unique: true or drop nulls_not_distinct:")
		}
	}
	if v, ok := f.get("method"); ok {
		ix.Method, _ = p.oneOf(v.value, "method", IndexMethods...)
		if ix.Unique && ix.Method != "" && ix.Method != "btree" {
			p.errs.Add(v.value.pos, "a unique index must use btree, not %s", ix.Method)
		}
	}
	v, ok := f.get("columns")
	if !ok {
		p.errs.Add(n.pos, "index has no columns")
		return ix
	}
	items, ok := p.sequence(v.value, "columns")
	if !ok {
		return ix
	}
	if len(items) == 0 {
		p.errs.Add(v.value.pos, "index has no columns")
	}
	ordered := ix.Method == "" || ix.Method == "btree"
	for _, it := range items {
		part := &IndexPart{Pos: it.pos}
		if it.kind == mappingNode {
			pf := p.fields(it, "index column", indexPartKeys...)
			if pf == nil {
				continue
			}
			col, hasCol := pf.get("column")
			expr, hasExpr := pf.get("expr")
			switch {
			case hasCol && hasExpr:
				p.errs.Add(it.pos, "an index part names a column or an expr, not both")
				continue
			case hasCol:
				part.Column = p.lookupColumn(t, col.value, "in index")
			case hasExpr:
				part.Expr, _ = p.nonEmpty(expr.value, "expr")
			default:
				p.errs.Add(it.pos, "an index part needs column: or expr:")
				continue
			}
			if d, ok := pf.get("desc"); ok {
				part.Desc, _ = p.boolean(d.value, "desc")
			}
			if nl, ok := pf.get("nulls"); ok {
				part.Nulls, _ = p.oneOf(nl.value, "nulls", "first", "last")
			}
		} else {
			term, ok := p.orderTerm(t, it, "in index")
			if !ok {
				continue
			}
			part.Column, part.Desc, part.Nulls = term.Column, term.Desc, term.Nulls
		}
		if !ordered && (part.Desc || part.Nulls != "") {
			p.errs.Add(it.pos, "index method %s does not support desc or nulls ordering", ix.Method)
		}
		if b := part.Column.sqlNamed(); ix.Unique && b != nil {
			p.errs.Add(it.pos, "a unique index cannot hold column %q of type {sql: %q}: cpcgen keys rows only by types it models; declare the index as an sql object", part.Column.Name, b.Name)
		}
		ix.Parts = append(ix.Parts, part)
	}
	if ix.Constraint {
		p.uniqueConstraint(ix, constraint.key.pos)
	}
	return ix
}

// sameKeys rejects a unique index with `constraint: true` over the
// columns of the primary key, of a unique column or of such an index
// before it, in the same order: PostgreSQL's CREATE TABLE makes one key
// of those it lists alike, so the migrations and schema.sql would make
// the table without it, and nothing would say so. A tenant table's keys
// are left alone: the builder puts its tenant column first in some.
// `unique: true` on the column that is the primary key by itself is
// rejected on every table: the builder makes no constraint of it (on a
// tenant table neither), so its name and sentinel would name nothing.
func (p *parser) sameKeys(t *Table) {
	if len(t.PrimaryKey) == 1 && t.PrimaryKey[0].Unique {
		c := t.PrimaryKey[0]
		drop := "unique:"
		if c.UniqueName != "" {
			drop = "unique: and unique_name:"
		}
		p.errs.Add(c.UniquePos, "column %q is the primary key by itself, which is unique already: unique: true would make no constraint of its own; drop %s", c.Name, drop)
	}
	if t.Tenant != nil {
		return
	}
	type key struct {
		what string
		cols []*Column
		nnd  bool
	}
	var keys []key
	if len(t.PrimaryKey) > 0 {
		keys = append(keys, key{what: "the primary key", cols: t.PrimaryKey})
	}
	for _, c := range t.Columns {
		if c.Unique {
			keys = append(keys, key{what: fmt.Sprintf("column %q's unique:", c.Name), cols: []*Column{c}})
		}
	}
	for _, ix := range t.Indexes {
		if !ix.Constraint || !ix.Unique || ix.Where != "" {
			continue
		}
		cols := make([]*Column, 0, len(ix.Parts))
		for _, part := range ix.Parts {
			if part.Column == nil {
				return // refused by uniqueConstraint
			}
			cols = append(cols, part.Column)
		}
		what := "the unique constraint over " + keyColumns(cols)
		if ix.Name != "" {
			what = fmt.Sprintf("unique constraint %q", ix.Name)
		}
		for _, k := range keys {
			if k.nnd == ix.NullsNotDistinct && slices.Equal(k.cols, cols) {
				p.errs.Add(ix.Pos, "%s has the columns of %s, in the same order: PostgreSQL's CREATE TABLE makes one key of both, so the table would be made without it; drop it, or make it an sql object (ALTER TABLE … ADD CONSTRAINT) after the table", what, k.what)
				break
			}
		}
		keys = append(keys, key{what: what, cols: cols, nnd: ix.NullsNotDistinct})
	}
}

// keyColumns writes the names of cols as (a, b).
func keyColumns(cols []*Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return "(" + strings.Join(names, ", ") + ")"
}

// uniqueConstraint rejects `constraint: true` on an index that cannot be
// a unique constraint: PostgreSQL's UNIQUE (…) holds plain columns in
// ascending order, over every row, with btree.
func (p *parser) uniqueConstraint(ix *Index, pos Pos) {
	switch {
	case !ix.Unique:
		p.errs.Add(pos, "constraint: true makes a unique index a unique constraint; add unique: true or drop constraint:")
	case ix.Where != "":
		p.errs.Add(pos, "a unique constraint cannot be partial; drop where: or drop constraint: to keep a partial unique index")
	case ix.Method != "" && ix.Method != "btree":
		// Refused above: a unique index must use btree.
	default:
		for _, part := range ix.Parts {
			if part.Expr != "" || part.Desc || part.Nulls != "" {
				p.errs.Add(part.Pos, "a unique constraint holds plain columns in ascending order; write the column alone, or drop constraint: to keep a unique index")
				return
			}
		}
	}
}

var orderTermRE = regexp.MustCompile(`^(\S+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$`)

// orderTerm decodes "col [asc|desc] [nulls first|last]".
func (p *parser) orderTerm(t *Table, n *node, what string) (*OrderTerm, bool) {
	s, ok := p.str(n, "column")
	if !ok {
		return nil, false
	}
	m := orderTermRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		p.errs.Add(n.pos, "%q is not \"column [asc|desc] [nulls first|last]\"", clip(s))
		return nil, false
	}
	name := strings.TrimSpace(s)[:len(m[1])]
	term := &OrderTerm{Desc: m[2] == "desc", Nulls: m[3], Pos: n.pos}
	if c := p.col(t, name); c != nil {
		term.Column = c
		return term, true
	}
	p.errs.Add(n.pos, "unknown column %q %s%s", clip(name), what, didYouMean(name, columnNames(t)))
	return nil, false
}

// check decodes one entry of `checks:`.
func (p *parser) check(n *node) *Check {
	f := p.fields(n, "check", checkKeys...)
	if f == nil {
		return nil
	}
	ck := &Check{Pos: n.pos}
	if v, ok := f.get("name"); ok {
		ck.Name, _ = p.ident(v.value, "check")
	}
	if v, ok := f.get("expr"); ok {
		ck.Expr, _ = p.nonEmpty(v.value, "expr")
	} else {
		p.errs.Add(n.pos, "check has no expr")
	}
	return ck
}

// checkIndexNames rejects index names used twice: PostgreSQL keeps
// indexes and tables in one namespace per schema.
func (p *parser) checkIndexNames() {
	seen := map[string]Pos{}
	for _, t := range p.proj.Tables {
		for _, ix := range t.Indexes {
			if ix.Name == "" {
				continue
			}
			if first, dup := seen[ix.Name]; dup {
				p.errs.Add(ix.Pos, "duplicate index name %q; first used at %s", ix.Name, first)
				continue
			}
			if tab, clash := p.tables[ix.Name]; clash {
				p.errs.Add(ix.Pos, "index name %q is the name of table %q; PostgreSQL keeps tables and indexes in one namespace", ix.Name, tab.Name)
				continue
			}
			seen[ix.Name] = ix.Pos
		}
	}
}

// manyToManySpec decodes one entry of `many_to_many:`; it is resolved
// once every table is known.
func (p *parser) manyToManySpec(t *Table, pr pair) {
	name, ok := p.ident(pr.key, "relation")
	if !ok {
		return
	}
	f := p.fields(pr.value, fmt.Sprintf("relation %q", name), relationKeys...)
	if f == nil {
		return
	}
	m := m2mSpec{name: name, pos: pr.key.pos}
	v, ok := f.get("through")
	if !ok {
		p.errs.Add(pr.key.pos, "relation %q needs through: naming the join table", name)
		return
	}
	if m.through, ok = p.str(v.value, "through"); !ok {
		return
	}
	m.throughPos = v.value.pos
	if v, ok := f.get("from"); ok {
		m.from, _ = p.str(v.value, "from")
		m.fromPos = v.value.pos
	}
	if v, ok := f.get("to"); ok {
		m.to, _ = p.str(v.value, "to")
		m.toPos = v.value.pos
	}
	p.tabAux[t].m2m = append(p.tabAux[t].m2m, m)
}

// tableNames lists the declared tables, for suggestions; it is called
// only once every table is declared.
func (p *parser) tableNames() []string {
	if p.tableList == nil {
		p.tableList = make([]string, len(p.proj.Tables))
		for i, t := range p.proj.Tables {
			p.tableList[i] = t.Name
		}
	}
	return p.tableList
}

// isSingleUnique reports whether c alone is a unique key of t.
func (p *parser) isSingleUnique(t *Table, c *Column) bool {
	for _, key := range p.keysOf(t) {
		if len(key) == 1 && key[0] == c {
			return true
		}
	}
	return false
}

// uniqueKeys lists t's unique keys: the primary key, unique columns and
// unique indexes on plain columns without a predicate.
func uniqueKeys(t *Table) [][]*Column {
	var keys [][]*Column
	if len(t.PrimaryKey) > 0 {
		keys = append(keys, t.PrimaryKey)
	}
	for _, c := range t.Columns {
		if c.Unique {
			keys = append(keys, []*Column{c})
		}
	}
outer:
	for _, ix := range t.Indexes {
		if !ix.Unique || ix.Where != "" || len(ix.Parts) == 0 {
			continue
		}
		var key []*Column
		for _, part := range ix.Parts {
			if part.Column == nil {
				continue outer
			}
			key = append(key, part.Column)
		}
		keys = append(keys, key)
	}
	return keys
}

// resolveReferences resolves the foreign keys of t's columns.
func (p *parser) resolveReferences(t *Table) {
	for _, c := range t.Columns {
		aux := p.colAux[c]
		if aux == nil || aux.ref == nil {
			continue
		}
		pos := aux.ref.pos
		target, ok := p.tables[aux.refTable]
		if !ok {
			p.errs.Add(pos, "column %q references unknown table %q%s", c.Name, clip(aux.refTable), didYouMean(aux.refTable, p.tableNames()))
			continue
		}
		if target.View != nil {
			p.errs.Add(pos, "column %q references %q, a view; a foreign key references a table", c.Name, target.Name)
			continue
		}
		var tc *Column
		if aux.refCol == "" {
			switch len(target.PrimaryKey) {
			case 0:
				p.errs.Add(pos, "table %q has no primary key; name the referenced unique column: references: %s.<column>", target.Name, target.Name)
				continue
			case 1:
				tc = target.PrimaryKey[0]
			default:
				p.errs.Add(pos, "table %q has a composite primary key; name the column: references: %s.<column>", target.Name, target.Name)
				continue
			}
		} else {
			tc = p.col(target, aux.refCol)
			if tc == nil {
				p.errs.Add(pos, "column %q references unknown column %q of table %q%s", c.Name, clip(aux.refCol), target.Name, didYouMean(aux.refCol, columnNames(target)))
				continue
			}
			if !p.isSingleUnique(target, tc) {
				p.errs.Add(pos, "column %q references %s.%s, which is neither the primary key nor a unique column of %s; mark it unique: true or reference the key", c.Name, target.Name, tc.Name, target.Name)
				continue
			}
		}
		if ta := p.colAux[tc]; aux.typeOK && ta != nil && ta.typeOK {
			if !keyCompatible(c.Type, tc.Type) {
				p.errs.Add(pos, "column %q is %s but references %s.%s, which is %s; the types must match (or be of one family: smallint, integer and bigint; text and varchar)", c.Name, c.Type, target.Name, tc.Name, tc.Type)
			}
		}
		for key, act := range map[string]string{"on_delete": aux.onDelete, "on_update": aux.onUpdate} {
			if act == "set null" && !c.Nullable {
				p.errs.Add(aux.onPos[key], "%s: set null needs a nullable column; column %q is not nullable", key, c.Name)
			}
		}
		c.References = &Reference{Table: target, Column: tc, OnDelete: aux.onDelete, OnUpdate: aux.onUpdate, Name: aux.refName, Deferrable: aux.deferred, Pos: pos}
	}
}

// keyCompatible reports whether a foreign key column of type fk may
// reference a key of type key: the same type, or types PostgreSQL
// compares across (pgtypes.Type.KeyFamily), with as many array
// dimensions.
func keyCompatible(fk, key Type) bool {
	if fk.ArrayDims != key.ArrayDims {
		return false
	}
	if fk.Name == key.Name {
		return true
	}
	return fk.Base != nil && key.Base != nil && fk.Base.KeyFamily != "" && fk.Base.KeyFamily == key.Base.KeyFamily
}

// resolveManyToMany resolves t's many_to_many relations.
func (p *parser) resolveManyToMany(t *Table) {
	seen := map[string]Pos{}
	for _, m := range p.tabAux[t].m2m {
		if first, dup := seen[m.name]; dup {
			p.errs.Add(m.pos, "duplicate relation %q; first at %s", m.name, first)
			continue
		}
		seen[m.name] = m.pos
		if p.col(t, m.name) != nil {
			p.errs.Add(m.pos, "relation %q has the name of a column of table %q", m.name, t.Name)
		}
		through, ok := p.tables[m.through]
		if !ok {
			p.errs.Add(m.throughPos, "relation %q goes through unknown table %q%s", m.name, clip(m.through), didYouMean(m.through, p.tableNames()))
			continue
		}
		fkCol := func(name string, pos Pos, key string) *Column {
			c := p.col(through, name)
			if c == nil {
				p.errs.Add(pos, "%s: unknown column %q of table %q%s", key, clip(name), through.Name, didYouMean(name, columnNames(through)))
				return nil
			}
			if c.References == nil {
				p.errs.Add(pos, "%s: column %s.%s has no references:, so it cannot link the relation", key, through.Name, c.Name)
				return nil
			}
			return c
		}
		var from, to *Column
		if m.from != "" {
			if from = fkCol(m.from, m.fromPos, "from"); from == nil {
				continue
			}
			if from.References.Table != t {
				p.errs.Add(m.fromPos, "from: column %s.%s references %s, not %s", through.Name, from.Name, from.References.Table.Name, t.Name)
				continue
			}
		}
		if m.to != "" {
			if to = fkCol(m.to, m.toPos, "to"); to == nil {
				continue
			}
			if to == from {
				p.errs.Add(m.toPos, "to: names the same column as from:")
				continue
			}
		}
		if from == nil {
			var cands []*Column
			for _, c := range through.Columns {
				if c.References != nil && c.References.Table == t && c != to {
					cands = append(cands, c)
				}
			}
			if len(cands) != 1 {
				p.errs.Add(m.throughPos, "join table %q has %d columns referencing %q; say which with from:", through.Name, len(cands), t.Name)
				continue
			}
			from = cands[0]
		}
		if to == nil {
			var cands []*Column
			for _, c := range through.Columns {
				if c.References != nil && c != from {
					cands = append(cands, c)
				}
			}
			if len(cands) != 1 {
				p.errs.Add(m.throughPos, "join table %q has %d other columns with references; say which leads to the related table with to:", through.Name, len(cands))
				continue
			}
			to = cands[0]
		}
		t.ManyToMany = append(t.ManyToMany, &ManyToMany{
			Name: m.name, Through: through, From: from, To: to,
			Target: to.References.Table, Pos: m.pos,
		})
	}
}
