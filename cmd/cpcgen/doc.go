// Command cpcgen generates typed PostgreSQL repositories, a Store and
// versioned migrations from YAML specs, and proves in CI that code,
// docs, migrations and databases are current.
//
//	cpcgen init                       # scaffold a project in a Go module
//	cpcgen generate                   # write the package the config names
//	cpcgen migrate diff NAME          # write the next migration
//	cpcgen check [--url URL]          # exit 1 when anything is stale or drifted
//	cpcgen vet --dev-url URL          # prepare every statement, check declared types
//	cpcgen docs | schema | completion # Markdown docs, JSON Schemas, shell completion
//	cpcgen -C dir generate            # run as if started in dir
//
// Exit codes: 0 success, 1 check or vet found problems, 2 usage, spec
// or other errors. Run it as a Go tool (go get -tool
// github.com/cpcgen/cpcgen/cmd/cpcgen; go tool cpcgen …) and from
// //go:generate lines.
//
// The command is a thin layer over the spec, generator, docs and writer
// packages; run(args, stdout, stderr) keeps it testable.
package main
