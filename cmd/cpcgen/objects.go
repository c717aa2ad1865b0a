package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/find"
)

// objectSchemas are the schemas check reads SQL objects in: current (the
// one the tables live in) and those the specs' and the migrations'
// objects name.
func objectSchemas(pkg *ir.Package, dir *migration.Dir, current string) []string {
	set := map[string]bool{current: true}
	for _, objs := range [][]*ir.Object{pkg.Objects, dir.Objects} {
		for _, o := range objs {
			if o.Schema != "" {
				set[o.Schema] = true
			}
			if o.Kind == "schema" {
				set[o.Name] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// objectCheck is what objectDrift compares: the extensions and objects
// of the live database (have) and of the temporary one its applied
// migrations were replayed into (want), each named relative to its
// current schema, and those the package declares.
type objectCheck struct {
	pkg        *ir.Package
	dir        *migration.Dir
	where      string // the live database, for messages
	root       string // display root
	have, want []*migration.FoundObject
	haveSchema string
	wantSchema string
	undeclared bool
}

// declared is an extension or object the specs declare, as check names
// it.
type declared struct {
	title   string
	pos     ir.Pos
	version string // an extension's declared version
	schema  string // an extension's declared schema
	ext     bool
}

// objectDrift compares the extensions and SQL objects of the live
// database with those its applied migrations create, and with those the
// specs declare:
//
//   - one the migrations create that the database lacks, or has with
//     another definition (as PostgreSQL prints both back), is schema
//     drift; so is a declared one the database has though no applied
//     migration creates it (the migration that does would fail);
//   - a declared one neither database has is a missing object, with the
//     command that creates it: migrate apply when a migration does,
//     migrate diff first otherwise;
//   - one the database has that neither the specs nor the migrations
//     create is a note, or a problem with --undeclared-objects.
//
// Objects of kind other are not checked: the catalogs cannot tell what
// they are.
func objectDrift(c objectCheck) (ps []problem, notes []string) {
	canon := func(key, current string) string { return strings.ReplaceAll(key, " "+current+".", " ") }
	haveDecl, wantDecl := map[string]declared{}, map[string]declared{}
	for _, e := range c.pkg.Extensions {
		d := declared{title: fmt.Sprintf("extension %q", e.Name), pos: e.Pos, version: e.Version, schema: e.Schema, ext: true}
		haveDecl[e.Key()], wantDecl[e.Key()] = d, d
	}
	for _, o := range c.pkg.Objects {
		if o.Kind == "other" {
			continue
		}
		d := declared{title: o.Title(), pos: o.Pos}
		haveDecl[canon(o.Key, c.haveSchema)], wantDecl[canon(o.Key, c.wantSchema)] = d, d
	}
	covered := map[string]bool{}
	for _, e := range c.dir.Extensions {
		covered[canon(e.Key(), c.wantSchema)] = true
	}
	for _, o := range c.dir.Objects {
		covered[canon(o.Key, c.wantSchema)] = true
	}
	have := map[string]*migration.FoundObject{}
	for _, f := range c.have {
		have[f.Key] = f
	}
	want := map[string]*migration.FoundObject{}
	for _, f := range c.want {
		want[f.Key] = f
	}
	schemaFile := display(c.root, c.pkg.Path("schema.sql"))
	add := func(kind string, d *declared, msg string, args ...any) {
		p := problem{Kind: kind, Msg: fmt.Sprintf(msg, args...)}
		if d != nil && d.pos.IsValid() {
			p.File, p.Line, p.Col = display(c.root, d.pos.File), d.pos.Line, d.pos.Col
		}
		ps = append(ps, p)
	}
	title := func(f *migration.FoundObject, d *declared) string {
		if d != nil {
			return d.title
		}
		kind, name, _ := strings.Cut(f.Key, " ")
		return strings.ReplaceAll(kind, "_", " ") + " " + fmt.Sprintf("%q", name)
	}
	for _, w := range c.want {
		var d *declared
		if x, ok := wantDecl[w.Key]; ok {
			d = &x
		}
		h := have[w.Key]
		switch {
		case h == nil:
			add("schema drift", d, "%s is missing from %s, though its applied migrations create it: it was dropped outside the migrations; run its statements from %s again",
				title(w, d), c.where, schemaFile)
		case w.Kind == "extension":
			if d != nil && d.version != "" && h.Definition != d.version {
				add("schema drift", d, "%s is at version %s in %s, not %s as its migrations make it; run ALTER EXTENSION %s UPDATE TO '%s', or declare version %s",
					title(w, d), h.Definition, c.where, d.version, strings.TrimPrefix(w.Key, "extension "), d.version, h.Definition)
			}
			if d != nil && d.schema != "" && h.Schema != d.schema {
				// A declared schema only: one CREATE EXTENSION chose
				// is the current schema of the database it ran on.
				add("schema drift", d, "%s is in schema %q in %s, not %q as its migrations make it (the generated statements name its types there); run ALTER EXTENSION %s SET SCHEMA %s, or declare schema %s",
					title(w, d), h.Schema, c.where, d.schema, strings.TrimPrefix(w.Key, "extension "), names.QuoteIdent(d.schema), h.Schema)
			}
		case h.Definition != w.Definition:
			add("schema drift", d, "%s in %s differs from the one its applied migrations create (compared as PostgreSQL prints both back): it was changed outside the migrations; run its statements from %s again",
				title(w, d), c.where, schemaFile)
		}
	}
	for _, h := range c.have {
		if want[h.Key] != nil {
			continue
		}
		if d, ok := haveDecl[h.Key]; ok {
			add("schema drift", &d, "%s is in %s, though none of its applied migrations creates it: it was made outside the migrations, and the migration that creates it will fail while it is there; drop it, then run cpcgen migrate apply",
				d.title, c.where)
			continue
		}
		msg := fmt.Sprintf("%s is in %s, but neither the specs nor its migrations create it; cpcgen leaves it alone (declare it under sql_objects: to manage it)", title(h, nil), c.where)
		if c.undeclared {
			ps = append(ps, problem{Kind: "undeclared object", Msg: msg})
		} else {
			notes = append(notes, msg)
		}
	}
	report := func(key string, d declared) {
		if have[key] != nil || want[key] != nil {
			return
		}
		if covered[key] {
			add("missing object", &d, "%s is not in %s: the migration that creates it is not applied; run cpcgen migrate apply", d.title, c.where)
		} else {
			add("missing object", &d, "%s is not in %s, and no migration creates it; run cpcgen migrate diff <name>, then cpcgen migrate apply", d.title, c.where)
		}
	}
	for _, e := range c.pkg.Extensions {
		report(e.Key(), haveDecl[e.Key()])
	}
	for _, o := range c.pkg.Objects {
		if o.Kind != "other" {
			report(canon(o.Key, c.haveSchema), haveDecl[canon(o.Key, c.haveSchema)])
		}
	}
	return ps, notes
}

// propertyDrift compares the facts about tables that Atlas's inspection
// leaves out (migration.TableProperty: row-level security, policies,
// rules, constraints deferrable, validated and enforced, their comments,
// triggers enabled, storage options, columns' statistics targets,
// storage, compression and options, indexes' storage options) of the
// live database (have) with those of the temporary database its applied
// migrations were replayed into (want), for the tables both hold (the schema drift Atlas finds
// names a table one of them lacks). A difference is schema drift: a
// policy missing, added or changed by hand, row-level security turned
// off, a foreign key whose triggers were disabled, lets hand-written SQL
// past what the migrations guarantee; a rule made by hand rewrites the
// generated statements. Constraints, triggers, columns and
// indexes that one database lacks are left to the table and object
// comparisons. A column's or index's drift is at its spec position.
func propertyDrift(pkg *ir.Package, where, root string, have, want []*migration.TableProperty) []problem {
	schemaFile := display(root, pkg.Path("schema.sql"))
	index := func(props []*migration.TableProperty) (map[string]*migration.TableProperty, map[string]bool) {
		byKey, tables := map[string]*migration.TableProperty{}, map[string]bool{}
		for _, p := range props {
			byKey[p.Key()] = p
			if p.Kind == "table" {
				tables[p.Table] = true
			}
		}
		return byKey, tables
	}
	haveBy, haveTables := index(have)
	wantBy, wantTables := index(want)
	keys := map[string]*migration.TableProperty{}
	for k, p := range haveBy {
		keys[k] = p
	}
	for k, p := range wantBy {
		keys[k] = p
	}
	sorted := make([]string, 0, len(keys))
	for k, p := range keys {
		if haveTables[p.Table] && wantTables[p.Table] {
			sorted = append(sorted, k)
		}
	}
	sort.Strings(sorted)
	var ps []problem
	for _, k := range sorted {
		h, w := haveBy[k], wantBy[k]
		p := keys[k]
		what := fmt.Sprintf("table %q", p.Table)
		if p.Kind != "table" {
			what = fmt.Sprintf("%s %q on table %q", p.Kind, p.Name, p.Table)
		}
		var msg string
		switch {
		case p.Kind == "policy" && h == nil:
			msg = fmt.Sprintf("%s is missing from %s, though its applied migrations create it (%s): it was dropped outside the migrations, and row-level security no longer applies it; create it again as %s does", what, where, w.Facts[0], schemaFile)
		case p.Kind == "policy" && w == nil:
			msg = fmt.Sprintf("%s is in %s (%s), though none of its applied migrations creates it: it was made outside the migrations, and a permissive policy widens what hand-written SQL may read and write; drop it, or declare it in the specs and migrate", what, where, strings.Join(h.Facts, ""))
		case p.Kind == "rule" && h == nil:
			msg = fmt.Sprintf("%s is missing from %s, though its applied migrations create it (%s): it was dropped outside the migrations; create it again as %s does", what, where, w.Facts[0], schemaFile)
		case p.Kind == "rule" && w == nil:
			msg = fmt.Sprintf("%s is in %s (%s), though none of its applied migrations creates it: it was made outside the migrations, and it rewrites the statements on the table, generated ones too (a DO INSTEAD NOTHING rule makes them do nothing); drop it, or make it in a migration", what, where, h.Facts[0])
		case h == nil || w == nil || slices.Equal(h.Facts, w.Facts):
			continue
		case p.Kind == "policy" || p.Kind == "rule":
			msg = fmt.Sprintf("%s in %s is %s, but its applied migrations make it %s: it was changed outside the migrations; create it again as %s does", what, where, h.Facts[0], w.Facts[0], schemaFile)
		default:
			var parts []string
			if extra := factsMissing(h.Facts, w.Facts); len(extra) > 0 {
				parts = append(parts, "made outside them: "+strings.Join(extra, ", "))
			}
			if lacks := factsMissing(w.Facts, h.Facts); len(lacks) > 0 {
				parts = append(parts, "undone outside them: "+strings.Join(lacks, ", "))
			}
			msg = fmt.Sprintf("%s in %s differs from what its applied migrations make (%s); make it again as %s does, or make the change in a migration", what, where, strings.Join(parts, "; "), schemaFile)
		}
		pr := problem{Kind: "schema drift", Msg: msg}
		if t := pkg.Table(p.Table); t != nil && t.Pos.IsValid() {
			pr.File, pr.Line, pr.Col = display(root, t.Pos.File), t.Pos.Line, t.Pos.Col
			at := t.Pos
			switch c, i := t.Column(p.Name), find.First(t.Indexes, func(i *ir.Index) bool { return i.Name == p.Name }); {
			case p.Kind == "column" && c != nil && c.Pos.IsValid():
				at = c.Pos
			case p.Kind == "index" && i != nil && i.Pos.IsValid():
				at = i.Pos
			}
			pr.File, pr.Line, pr.Col = display(root, at.File), at.Line, at.Col
		}
		ps = append(ps, pr)
	}
	return ps
}

// factsMissing returns the facts of a that b lacks, in a's order.
func factsMissing(a, b []string) []string {
	var out []string
	for _, f := range a {
		if !slices.Contains(b, f) {
			out = append(out, f)
		}
	}
	return out
}
