package generator

import (
	"github.com/cpcgen/cpcgen/generator/docs"
	"github.com/cpcgen/cpcgen/generator/gocode"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/spec"
)

// Generate runs the whole pipeline on a loaded project: Build, then every
// emitter on the IR. It returns the IR and the tree the writer brings the
// project to — the Go package, its schema.sql, and the docs page when
// cpcgen.yaml has docs.dir — with the directories the generation owns.
// cpcgen generate writes the tree, cpcgen check compares it, and the
// golden tests do either.
func Generate(proj *spec.Project) (*ir.Package, writer.Tree, error) {
	pkg, err := Build(proj)
	if err != nil {
		return nil, writer.Tree{}, err
	}
	tree, err := Emit(pkg)
	if err != nil {
		return nil, writer.Tree{}, err
	}
	return pkg, tree, nil
}

// Emit runs every emitter on a built package and returns the tree as
// Generate does.
func Emit(pkg *ir.Package) (writer.Tree, error) {
	files, err := gocode.Emit(pkg)
	if err != nil {
		return writer.Tree{}, err
	}
	ddl, err := sqlschema.SchemaSQL(pkg)
	if err != nil {
		return writer.Tree{}, err
	}
	files = append(files, writer.File{Path: pkg.Path("schema.sql"), Data: ddl})
	tree := writer.Tree{Files: files, Dirs: []string{pkg.Dir}}
	if pkg.DocsDir != "" {
		pages, err := docs.Generate(pkg, pkg.DocsDir)
		if err != nil {
			return writer.Tree{}, err
		}
		tree.Files = append(tree.Files, pages...)
		tree.Dirs = append(tree.Dirs, pkg.DocsDir)
	}
	writer.SortFiles(tree.Files)
	return tree, nil
}
