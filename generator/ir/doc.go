// Package ir is the intermediate representation of a generated package:
// what the builder (package generator) computes from the specs, and the
// only input of every emitter. It holds every fact an emitter needs —
// names, Go types, SQL text, constraint and index names, rename hints,
// positions — as plain exported structs, slices in spec order.
//
//	pkg, err := generator.Build(proj) // *ir.Package
//	files, err := gocode.Emit(pkg)     // emitters read pkg only
//
// It does not import package spec: emitters see the specs only through
// it, and never call the builder.
package ir
