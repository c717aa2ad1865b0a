package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// write renders the spec files.
func (c *converter) write() {
	sortFindings(c.res.Findings)
	objs := c.objects()
	c.res.Tables, c.res.Objects = len(c.tables), len(objs)
	schema := fixName(c.cat.Schema)
	header := fmt.Sprintf("# Imported by cpcgen import from %s (schema %s).\n", commentText(c.opts.Source), commentText(c.cat.Schema))
	main := &bytes.Buffer{}
	main.WriteString(header)
	c.writeExtensions(main)
	c.writeEnums(main)
	if c.opts.Split == "table" {
		for _, st := range c.tables {
			b := &bytes.Buffer{}
			b.WriteString(header)
			b.WriteString("\ntables:\n")
			c.writeTable(b, st)
			name := st.cat.Name
			if name == schema {
				name += "_table"
			}
			c.res.Files = append(c.res.Files, File{Path: path.Join(c.opts.Dir, name+".yaml"), Data: b.Bytes()})
		}
	} else if len(c.tables) > 0 {
		main.WriteString("\ntables:\n")
		for i, st := range c.tables {
			if i > 0 {
				main.WriteString("\n")
			}
			c.writeTable(main, st)
		}
	}
	c.writeObjects(main, objs)
	c.res.Files = append(c.res.Files, File{Path: path.Join(c.opts.Dir, schema+".yaml"), Data: main.Bytes()})
}

// objects are every sql object in the order they are written: what the
// tables need first (sequences, domains, types), tables kept as SQL,
// alterations of tables, then constraints and indexes between them,
// functions, views and triggers.
func (c *converter) objects() []*object {
	// Map database names to the names of the objects that create them,
	// so that depends_on names what the spec declares.
	declared := map[string]bool{}
	for _, st := range c.tables {
		declared[st.cat.Name] = true
	}
	for _, e := range c.cat.Enums {
		declared[e.Name] = true
	}
	for _, e := range c.cat.Extensions {
		declared[e.Name] = true
	}
	all := append(append(append(append([]*object(nil), c.early...), c.sqlTables...), c.alters...), c.later...)
	for _, o := range all {
		declared[o.name] = true
	}
	// The kinds of what declares each name: an entry naming what a
	// table and an object, or two objects, declare (a table kept as SQL
	// and a function designers(videogames)) says which with the kind
	// before the name, and names each but the object itself, as its
	// database dependency may be on either.
	kinds := map[string][]string{}
	for _, st := range c.tables {
		kinds[st.cat.Name] = append(kinds[st.cat.Name], "table")
	}
	for name, ok := range c.enums {
		if ok {
			kinds[name] = append(kinds[name], "enum")
		}
	}
	for _, e := range c.cat.Extensions {
		kinds[e.Name] = append(kinds[e.Name], "extension")
	}
	for _, o := range all {
		if o.kind != "trigger" {
			kinds[o.name] = append(kinds[o.name], o.kind)
		}
	}
	for _, o := range all {
		var keep []string
		for _, d := range o.dependsOn {
			if !declared[d] {
				continue
			}
			ks := kinds[d]
			if d == o.name {
				if i := slices.Index(ks, o.kind); i >= 0 {
					ks = slices.Delete(slices.Clone(ks), i, i+1)
				}
				if len(ks) == 0 {
					continue
				}
			}
			if len(kinds[d]) < 2 {
				keep = appendUnique(keep, d)
				continue
			}
			for _, k := range ks {
				keep = appendUnique(keep, k+" "+d)
			}
		}
		o.dependsOn = keep
	}
	return all
}

func (c *converter) writeExtensions(b *bytes.Buffer) {
	if len(c.cat.Extensions) == 0 {
		return
	}
	b.WriteString("\nextensions:\n")
	for _, e := range c.cat.Extensions {
		if e.Schema == c.cat.Schema {
			fmt.Fprintf(b, "  - %s\n", scalar(e.Name))
		} else {
			fmt.Fprintf(b, "  - {name: %s, schema: %s}\n", scalar(e.Name), scalar(e.Schema))
		}
	}
}

func (c *converter) writeEnums(b *bytes.Buffer) {
	first := true
	for _, e := range c.cat.Enums {
		if !c.enums[e.Name] {
			continue
		}
		if first {
			b.WriteString("\nenums:\n")
			first = false
		}
		vals := make([]string, len(e.Labels))
		for i, l := range e.Labels {
			vals[i] = scalar(l)
		}
		if e.Comment != "" {
			fmt.Fprintf(b, "  %s: {values: [%s], comment: %s}\n", scalar(e.Name), strings.Join(vals, ", "), scalar(e.Comment))
		} else {
			fmt.Fprintf(b, "  %s: [%s]\n", scalar(e.Name), strings.Join(vals, ", "))
		}
	}
}

func (c *converter) writeTable(b *bytes.Buffer, st *specTable) {
	fmt.Fprintf(b, "  %s:\n", scalar(st.cat.Name))
	if st.goName != "" {
		fmt.Fprintf(b, "    go_name: %s\n", st.goName)
	}
	if st.cat.Comment != "" {
		fmt.Fprintf(b, "    comment: %s\n", scalar(st.cat.Comment))
	}
	b.WriteString("    columns:\n")
	for _, sc := range st.columns {
		fmt.Fprintf(b, "      %s: %s\n", scalar(sc.cat.Name), columnYAML(sc, len(st.pk) == 1))
	}
	if len(st.pk) > 1 {
		fmt.Fprintf(b, "    primary_key: [%s]\n", scalars(st.pk))
	}
	if st.pkName != "" {
		fmt.Fprintf(b, "    primary_key_name: %s\n", scalar(st.pkName))
	}
	if len(st.indexes) > 0 {
		b.WriteString("    indexes:\n")
		for _, x := range st.indexes {
			var kv []string
			kv = append(kv, "name: "+scalar(x.name))
			var parts []string
			for _, p := range x.parts {
				switch p := p.(type) {
				case string:
					parts = append(parts, scalar(p))
				case indexPart:
					var pk []string
					if p.column != "" {
						pk = append(pk, "column: "+scalar(p.column))
					} else {
						pk = append(pk, "expr: "+scalar(p.expr))
					}
					if p.desc {
						pk = append(pk, "desc: true")
					}
					if p.nulls != "" {
						pk = append(pk, "nulls: "+p.nulls)
					}
					parts = append(parts, "{"+strings.Join(pk, ", ")+"}")
				}
			}
			kv = append(kv, "columns: ["+strings.Join(parts, ", ")+"]")
			if x.unique {
				kv = append(kv, "unique: true")
			}
			if x.constraint {
				kv = append(kv, "constraint: true")
			}
			if x.nullsNotDistinct {
				kv = append(kv, "nulls_not_distinct: true")
			}
			if x.method != "" {
				kv = append(kv, "method: "+x.method)
			}
			if x.where != "" {
				kv = append(kv, "where: "+scalar(x.where))
			}
			fmt.Fprintf(b, "      - {%s}\n", strings.Join(kv, ", "))
		}
	}
	if len(st.checks) > 0 {
		b.WriteString("    checks:\n")
		for _, k := range st.checks {
			fmt.Fprintf(b, "      - {name: %s, expr: %s}\n", scalar(k[0]), scalar(k[1]))
		}
	}
	if st.partBy != "" {
		fmt.Fprintf(b, "    partition:\n      by: %s\n      key: [%s]\n", st.partBy, scalars(st.partKey))
		if len(st.parts) > 0 {
			b.WriteString("      partitions:\n")
			for _, p := range st.parts {
				fmt.Fprintf(b, "        - {name: %s, values: %s}\n", scalar(p[0]), scalar(p[1]))
			}
		}
	}
	for _, bh := range st.behaviours {
		fmt.Fprintf(b, "    %s: true\n", bh)
	}
}

func columnYAML(sc *specColumn, singlePK bool) string {
	var kv []string
	typ := scalar(sc.typ)
	sqlType, named := sqlNamed(sc.typ)
	if named {
		typ = "{sql: " + quoted(sqlType) + "}"
	}
	kv = append(kv, "type: "+typ)
	if sc.pk && singlePK {
		kv = append(kv, "primary_key: true")
	}
	if sc.nullable {
		kv = append(kv, "nullable: true")
	}
	if sc.serial {
		kv = append(kv, "serial: true")
	}
	if sc.identity {
		kv = append(kv, "identity: true")
	}
	if sc.unique {
		kv = append(kv, "unique: true")
		if sc.uniqueName != "" {
			kv = append(kv, "unique_name: "+scalar(sc.uniqueName))
		}
	}
	if sc.generated != "" {
		kv = append(kv, "generated: "+quoted(sc.generated))
	}
	if sc.collation != "" {
		kv = append(kv, "collation: "+quoted(sc.collation))
	}
	switch d := sc.def.(type) {
	case string:
		if d == "true" || d == "false" || intRE.MatchString(d) {
			kv = append(kv, "default: "+d)
		} else {
			kv = append(kv, "default: "+scalar(d))
		}
	case callExpr:
		kv = append(kv, "default: "+string(d))
	case sqlExpr:
		kv = append(kv, "default: {sql: "+quoted(string(d))+"}")
	}
	if sc.check != "" {
		kv = append(kv, "check: "+scalar(sc.check))
	}
	if sc.references != "" {
		kv = append(kv, "references: "+scalar(sc.references))
		if sc.onDelete != "" {
			kv = append(kv, "on_delete: "+sc.onDelete)
		}
		if sc.onUpdate != "" {
			kv = append(kv, "on_update: "+sc.onUpdate)
		}
		if sc.deferrable != "" {
			kv = append(kv, "deferrable: "+sc.deferrable)
		}
		if sc.referencesName != "" {
			kv = append(kv, "references_name: "+scalar(sc.referencesName))
		}
	}
	if sc.goName != "" {
		kv = append(kv, "go_name: "+sc.goName)
	}
	if sc.cat.Comment != "" {
		kv = append(kv, "comment: "+scalar(sc.cat.Comment))
	}
	if len(kv) == 1 && !named {
		return typ
	}
	return "{" + strings.Join(kv, ", ") + "}"
}

func (c *converter) writeObjects(b *bytes.Buffer, objs []*object) {
	if len(objs) == 0 {
		return
	}
	b.WriteString("\nsql_objects:\n")
	for i, o := range objs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "  - name: %s\n    kind: %s\n", scalar(o.name), o.kind)
		if o.beforeTables {
			b.WriteString("    before_tables: true\n")
		}
		if len(o.dependsOn) > 0 {
			fmt.Fprintf(b, "    depends_on: [%s]\n", scalars(o.dependsOn))
		}
		fmt.Fprintf(b, "    sql: %s\n", block(o.sql, "      "))
		if o.drop != "" {
			fmt.Fprintf(b, "    drop: %s\n", block(o.drop, "      "))
		}
	}
}

// plainScalarRE matches strings YAML reads back as the same string when
// written without quotes.
var plainScalarRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_ ()./+*<>=$'-]*$`)

var yamlWords = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"null": true, "y": true, "n": true, "~": true}

// scalar writes s as a YAML flow scalar: plain when that reads back as
// the same string, double-quoted otherwise.
func scalar(s string) string {
	if plainScalarRE.MatchString(s) && !yamlWords[strings.ToLower(s)] && !strings.HasSuffix(s, " ") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.ContainsAny(s, "{}[]") {
		return s
	}
	return quoted(s)
}

// scalars writes names as the items of a YAML flow sequence, each as
// scalar writes it.
func scalars(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = scalar(n)
	}
	return strings.Join(out, ", ")
}

// commentText returns s for a YAML comment: as it is when all of it is
// printable, double-quoted otherwise, so that a database or schema name
// holding a line break cannot end the comment and write YAML.
func commentText(s string) string {
	if strings.IndexFunc(s, notPrintable) >= 0 {
		return quoted(s)
	}
	return s
}

// quoted writes s double-quoted; JSON's escapes are YAML's. JSON
// leaves as they are the characters YAML refuses in a document or reads
// as a line break (yamlEscaped): those are written as \u escapes.
func quoted(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	if strings.IndexFunc(out, yamlEscaped) < 0 {
		return out
	}
	var e strings.Builder
	for _, r := range out {
		if yamlEscaped(r) {
			fmt.Fprintf(&e, "\\u%04X", r)
		} else {
			e.WriteRune(r)
		}
	}
	return e.String()
}

// yamlEscaped reports whether YAML cannot hold r as it is in a scalar:
// r is outside YAML's printable characters (C0 and C1 controls but tab
// and line feed, DEL, U+FFFE and U+FFFF: a document holding one is
// refused), or a line break or byte order mark YAML reads otherwise
// than as the character (carriage return, NEL, U+2028, U+2029, U+FEFF).
// PostgreSQL keeps such characters of a body or a check as they are
// (Boundary's sentinel domain trims U+FFFE).
func yamlEscaped(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r >= 0x7F && r <= 0x9F:
		return true
	}
	return r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF
}

// block writes s as a literal block scalar indented by indent, or
// double-quoted when a block cannot hold it exactly.
func block(s, indent string) string {
	if strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\t") || strings.ContainsAny(s, "\r\x00") || strings.HasSuffix(s, "\n") {
		return quoted(s)
	}
	if strings.IndexFunc(s, yamlEscaped) >= 0 {
		return quoted(s)
	}
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.WriteString("|-")
	for _, l := range lines {
		b.WriteString("\n")
		if strings.TrimRight(l, " \t") != "" {
			b.WriteString(indent + l)
		} else if l != "" {
			// A line of only blanks would be read as less indented.
			return quoted(s)
		}
	}
	return b.String()
}
