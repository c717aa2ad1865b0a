// Package generator turns a validated spec.Project into Go code and SQL.
// It is the pipeline's middle and its library entry point:
//
//	proj, err       := spec.Load(root)           // positions kept
//	pkg, tree, err  := generator.Generate(proj)  // Build, then every emitter
//	res, err        := writer.Write(root, tree)  // or writer.Compare, for check
//
// Build is the one place that reads the specs: it computes every fact the
// emitters need once into the IR (package ir) — Go names and types, SQL
// statements, constraint and index names, rename hints, positions — and
// rejects what Go or PostgreSQL cannot express, all problems at once,
// with positions. Each table behaviour (tenant, soft delete, optimistic
// lock, timestamps, audit, validation rules) is a unit of its own
// (behaviour.go and behaviour_*.go) that the statement builders reach
// only through hooks. docs/architecture.md draws the whole pipeline. The emitters read only the IR and never the specs nor
// the builder: package gocode writes the Go code, sqlschema the Atlas
// schema and schema.sql, docs the Markdown page, migration the versioned
// migrations, and vet checks the statements on a real server.
package generator
