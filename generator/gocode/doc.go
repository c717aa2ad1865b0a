// Package gocode is the Go emitter: it turns the IR of a package into
// its Go files with github.com/dave/jennifer — per table the model, the
// insert and update structs, the repository with its statements and
// methods; the Store; the enums.
//
//	files, err := gocode.Emit(pkg) // pure: []writer.File, sorted by path
//
// It reads package ir only: every name, type and SQL statement it writes
// was computed by the builder.
package gocode
