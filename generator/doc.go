// Package generator turns a validated spec.Project into Go code and SQL.
// It sits in the middle of the pipeline
//
//	proj, err  := spec.Load(root)          // positions kept
//	pkg, err   := generator.Build(proj)    // IR: names, types, SQL text
//	files, err := generator.Emit(pkg)      // pure: []File{Path, Data}
//	err         = writer.Write(root, files) // or writer.Compare, for check
//
// Build computes every fact once into the IR (Package, Table, Column …)
// and rejects what Go cannot express, with positions. The emitters read
// only the IR: the Go emitter writes models, repositories, the Store and
// enums with github.com/dave/jennifer; the SQL emitter models the schema
// for the Atlas engine (ariga.io/atlas) and renders schema.sql.
package generator
