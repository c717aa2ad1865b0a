// Command cpcgen generates typed PostgreSQL repositories, a Store and
// schema DDL from YAML specs, and checks in CI that the generated code is
// current.
//
//	cpcgen generate          # write the package the config names
//	cpcgen check             # exit 1 with a diff when it is stale
//	cpcgen -C dir generate   # run as if started in dir
//
// The command is a thin layer over the spec, generator and writer
// packages; run(args, stdout, stderr) keeps it testable.
package main
