package generator

import (
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/spec"
)

// Generate runs Build and Emit on a loaded project and returns the tree
// the writer brings the output directory to: the files, and the package
// directory as the one the generation owns.
func Generate(proj *spec.Project) (writer.Tree, error) {
	pkg, err := Build(proj)
	if err != nil {
		return writer.Tree{}, err
	}
	return EmitTree(pkg)
}

// EmitTree runs Emit on a built package and returns the tree as Generate
// does.
func EmitTree(pkg *Package) (writer.Tree, error) {
	files, err := Emit(pkg)
	if err != nil {
		return writer.Tree{}, err
	}
	return writer.Tree{Files: files, Dirs: []string{pkg.Dir}}, nil
}
