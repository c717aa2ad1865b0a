package docs

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// objectsTemplate prints the extensions and the SQL objects, after the
// tables.
//
//go:embed objects.md.tmpl
var objectsTemplate string

// objectsPage is what objects.md.tmpl prints.
type objectsPage struct {
	Summary    string
	Extensions []extensionView
	Groups     []objectGroup
}

type extensionView struct {
	Name, Schema, Version, Source string
}

// objectGroup is the objects of one schema.
type objectGroup struct {
	Title   string
	Objects []objectView
}

type objectView struct {
	Name, Anchor, Kind, Table, DependsOn, Source, Comment, SQL string
	// OwnTable is the table of an object on one of cpcgen's own tables
	// (the audit log), which has no section to link to.
	OwnTable string
}

// writeObjects appends the page's sections on the extensions and the
// SQL objects, grouped by schema (those without one first: they live
// where the tables do), in each the kinds in alphabetical order and the
// objects of a kind in the order they are created.
func writeObjects(b *bytes.Buffer, pkg *ir.Package) error {
	if len(pkg.Extensions) == 0 && len(pkg.Objects) == 0 {
		return nil
	}
	p := objectsPage{}
	for _, e := range pkg.Extensions {
		src := "(a column's type)"
		if !e.Implied {
			src = "`" + e.Pos.File + "`"
		}
		p.Extensions = append(p.Extensions, extensionView{Name: e.Name, Schema: cell(e.Schema), Version: cell(e.Version), Source: src})
	}
	anchors := map[string]string{}
	for _, o := range pkg.Objects {
		anchors[o.Key] = "object-" + strings.NewReplacer(" ", "-", ".", "-").Replace(o.Key)
	}
	bySchema := map[string][]*ir.Object{}
	var schemas []string
	for _, o := range pkg.Objects {
		if _, ok := bySchema[o.Schema]; !ok {
			schemas = append(schemas, o.Schema)
		}
		bySchema[o.Schema] = append(bySchema[o.Schema], o)
	}
	sort.Strings(schemas) // "" first
	for _, s := range schemas {
		g := objectGroup{Title: "In the tables' schema"}
		if s != "" {
			g.Title = "Schema `" + s + "`"
		}
		objs := append([]*ir.Object(nil), bySchema[s]...)
		sort.SliceStable(objs, func(i, j int) bool { return objs[i].Noun < objs[j].Noun })
		for _, o := range objs {
			var deps []string
			for _, d := range o.DependsOn {
				kind, name, _ := strings.Cut(d, " ")
				switch {
				case kind == "table" && pkg.Table(name) != nil:
					deps = append(deps, fmt.Sprintf("[%s](#%s)", name, name))
				case kind == "table":
					deps = append(deps, code(name)) // cpcgen's own (the audit log)
				case kind == "enum":
					deps = append(deps, fmt.Sprintf("[%s](#enum-%s)", name, name))
				case anchors[d] != "":
					deps = append(deps, fmt.Sprintf("[%s](#%s)", strings.TrimSuffix(name, " on "+o.Table), anchors[d]))
				default:
					deps = append(deps, kind+" "+code(name))
				}
			}
			src := o.Source
			if o.File != "" {
				src = o.File
			}
			table, own := o.Table, ""
			if table != "" && pkg.Table(table) == nil {
				table, own = "", o.Table
			}
			g.Objects = append(g.Objects, objectView{Name: o.Name, Anchor: anchors[o.Key], Kind: o.Noun, Table: table, OwnTable: own,
				DependsOn: strings.Join(deps, ", "), Source: src, Comment: cell(o.Comment), SQL: o.Create})
		}
		p.Groups = append(p.Groups, g)
	}
	p.Summary = count(len(pkg.Objects), "SQL object") + "."
	tmpl, err := template.New("objects").Funcs(funcs).Parse(objectsTemplate)
	if err != nil {
		return fmt.Errorf("docs template: %w", err)
	}
	if err := tmpl.Execute(b, p); err != nil {
		return fmt.Errorf("render the SQL objects of package %s: %w", pkg.Name, err)
	}
	return nil
}
