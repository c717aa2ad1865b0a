package generator

import (
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// buildObjects adds the spec's extensions and SQL objects to pkg, once
// the tables are built: the extensions in spec order (and citext, when a
// column has that type and no spec declares it), the objects each after
// what it depends on.
func (b *builder) buildObjects(pkg *ir.Package) {
	declared := map[string]bool{}
	for _, e := range b.proj.Extensions {
		pkg.Extensions = append(pkg.Extensions, &ir.Extension{Name: e.Name, Schema: e.Schema, Version: e.Version, Pos: irPos(e.Pos)})
		declared[e.Name] = true
	}
	if !declared["citext"] {
	tables:
		for _, t := range pkg.Tables {
			for _, c := range t.Columns {
				if c.Type.Name == "citext" && c.Type.Enum == nil {
					pkg.Extensions = append(pkg.Extensions, &ir.Extension{Name: "citext", Implied: true, Pos: c.Pos})
					break tables
				}
			}
		}
	}
	built := make([]*ir.Object, len(b.proj.Objects))
	index := map[*spec.SQLObject]int{}
	for i, so := range b.proj.Objects {
		index[so] = i
		built[i] = buildObject(so)
	}
	// Kahn's algorithm, taking the first ready object in spec order each
	// time: the order is stable and needs no tie-break on names.
	placed := make([]bool, len(built))
	for len(pkg.Objects) < len(built) {
		progress := false
		for i, so := range b.proj.Objects {
			if placed[i] {
				continue
			}
			ready := true
			for _, d := range so.DependsOn {
				if d.Object != nil && !placed[index[d.Object]] {
					ready = false
					break
				}
			}
			if ready {
				placed[i] = true
				pkg.Objects = append(pkg.Objects, built[i])
				progress = true
				break
			}
		}
		if !progress {
			// spec rejects cycles; this is a safety net, not a message
			// users should ever see.
			b.errs.Add(b.proj.Objects[0].Pos, "sql_objects depend on each other in a cycle")
			return
		}
	}
}

// objectKey is the ir.Object Key of a spec object.
func objectKey(so *spec.SQLObject) string {
	if so.Kind.Name == "trigger" {
		return so.Kind.Name + " " + so.Name + " on " + so.Table
	}
	return so.Kind.Name + " " + so.Name
}

// buildObject turns one spec object into the IR's: its comment becomes
// a COMMENT ON statement after its own, when cpcgen knows how to name
// the object.
func buildObject(so *spec.SQLObject) *ir.Object {
	o := &ir.Object{
		Key:       objectKey(so),
		Kind:      so.Kind.Name,
		Noun:      so.Kind.Noun,
		Name:      so.Name,
		Schema:    so.Schema,
		Table:     so.Table,
		Create:    so.SQL,
		Replace:   so.Replace,
		Signature: so.Signature,
		Drop:      so.Drop,
		Rebuild:   so.Kind.Rebuild,
		Comment:   so.Comment,
		Source:    so.Source,
		File:      so.File,
		Pos:       irPos(so.Pos),
		SQLPos:    irPos(so.SQLPos),
	}
	for _, p := range so.Lines {
		o.Lines = append(o.Lines, irPos(p))
	}
	if so.Comment != "" && so.Target != "" {
		comment := ";\nCOMMENT ON " + so.Kind.Keyword + " " + so.Target + " IS " + names.QuoteLiteral(so.Comment)
		o.Create += comment
		if o.Replace != "" {
			o.Replace += comment
		}
	}
	for _, d := range so.DependsOn {
		switch {
		case d.Object != nil:
			o.DependsOn = append(o.DependsOn, objectKey(d.Object))
		case d.Table != nil:
			o.DependsOn = append(o.DependsOn, ir.TableKey(d.Table.Name))
		case d.Enum != nil:
			o.DependsOn = append(o.DependsOn, ir.EnumKey(d.Enum.Name))
		case d.Extension != nil:
			o.DependsOn = append(o.DependsOn, "extension "+d.Extension.Name)
		}
	}
	return o
}
