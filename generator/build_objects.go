package generator

import (
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// buildObjects adds the spec's extensions and SQL objects to pkg, once
// the tables are built: the extensions in spec order, then those the
// columns' types need that no spec declares (citext), the objects each
// after what it depends on.
//
// cpcgen's own objects (a behaviour's trigger function, say) take the
// same path: the builder that makes one appends it to pkg.Objects before
// Build calls buildObjects, with its Key, Create, Drop and DependsOn set,
// and buildObjects orders it with the spec's, its own first.
func (b *builder) buildObjects(pkg *ir.Package) {
	declared := map[string]bool{}
	for _, e := range b.proj.Extensions {
		pkg.Extensions = append(pkg.Extensions, &ir.Extension{Name: e.Name, Schema: e.Schema, Version: e.Version, Pos: e.Pos})
		declared[e.Name] = true
	}
	// The extensions the columns' types need (citext), in the order
	// columns first use them.
	for _, t := range pkg.Tables {
		for _, c := range t.Columns {
			if base := c.Type.Base; base != nil && base.Extension != "" && !declared[base.Extension] {
				declared[base.Extension] = true
				pkg.Extensions = append(pkg.Extensions, &ir.Extension{Name: base.Extension, Implied: true, Pos: c.Pos})
			}
		}
	}
	all := append([]*ir.Object(nil), pkg.Objects...)
	own := map[string]*ir.Object{}
	for _, o := range all {
		own[o.Key] = o
	}
	for _, so := range b.proj.Objects {
		o := buildObject(so)
		if prev := own[o.Key]; prev != nil {
			b.errs.Add(so.Pos, "%s has the name of an object cpcgen makes itself (%s); give it another name", o.Title(), prev.Title())
			continue
		}
		all = append(all, o)
	}
	for _, so := range b.proj.Objects {
		if !so.Early() {
			continue
		}
		fix := "declare the object as kind other"
		if so.BeforeTables {
			fix = "drop before_tables"
		}
		for _, d := range so.DependsOn {
			switch {
			case d.Table != nil:
				b.errs.Add(d.Pos, "%s is created before the tables, so it cannot depend on table %q; drop it from depends_on, or %s", so.Title(), d.Name, fix)
			case d.Enum != nil:
				b.errs.Add(d.Pos, "%s is created before the enums and tables, so it cannot depend on enum %q; drop it from depends_on, or %s", so.Title(), d.Name, fix)
			case d.Object != nil && !d.Object.Early():
				if d.Object.Kind.BeforeTables {
					fix += ", or give that one before_tables: true"
				}
				b.errs.Add(d.Pos, "%s is created before the tables, so it cannot depend on %s, which is created after them; %s", so.Title(), d.Object.Title(), fix)
			}
		}
	}
	sorted, ok := orderObjects(all)
	if !ok {
		// spec rejects cycles among its objects; this is a safety net,
		// not a message users should ever see.
		b.errs.Add(spec.Pos{File: b.proj.Config.File}, "sql objects depend on each other in a cycle")
		return
	}
	pkg.Objects = sorted
}

// orderObjects orders objects so that each comes after the objects it
// depends on (by key), and otherwise keeps their order: Kahn's algorithm
// taking the first ready object each time, so the order is stable and
// needs no tie-break on names. ok is false when they depend on each
// other in a cycle.
func orderObjects(objs []*ir.Object) (out []*ir.Object, ok bool) {
	index := map[string]int{}
	for i, o := range objs {
		index[o.Key] = i
	}
	placed := make([]bool, len(objs))
	for len(out) < len(objs) {
		progress := false
		for i, o := range objs {
			if placed[i] {
				continue
			}
			ready := true
			for _, d := range o.DependsOn {
				if j, isObject := index[d]; isObject && !placed[j] {
					ready = false
					break
				}
			}
			if ready {
				placed[i] = true
				out = append(out, o)
				progress = true
				break
			}
		}
		if !progress {
			return nil, false
		}
	}
	return out, true
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
		Key:         objectKey(so),
		Kind:        so.Kind.Name,
		Noun:        so.Kind.Noun,
		Name:        so.Name,
		Schema:      so.Schema,
		Table:       so.Table,
		Create:      so.SQL,
		Replace:     so.Replace,
		Signature:   so.Signature,
		Drop:        so.Drop,
		Rebuild:     so.Kind.Rebuild,
		RenamedFrom: so.RenamedFrom,
		Early:       so.Early(),
		Comment:     so.Comment,
		Source:      so.Source,
		File:        so.File,
		Pos:         so.Pos,
		SQLPos:      so.SQLPos,
	}
	o.Lines = append(o.Lines, so.Lines...)
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
