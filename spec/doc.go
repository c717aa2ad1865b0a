// Package spec reads a cpcgen project: the cpcgen.yaml config and the
// YAML spec files it names. It is the first stage of the pipeline
//
//	spec.Load → generator.Build → generator.Emit → writer
//
// and knows YAML, not Go. Files are decoded through yaml.v3 nodes, so every
// value keeps its file:line:col; the whole input is validated before a
// Project is returned, and every problem is reported at once, sorted by
// position, in the compiler style editors understand:
//
//	schema/accounts.yaml:12:7: unknown column "usr_id" in index; did you mean "user_id"?
//
// Typical use:
//
//	proj, err := spec.Load("path/to/app") // directory holding cpcgen.yaml
//	if err != nil {
//		var list spec.ErrorList
//		errors.As(err, &list) // every problem, with positions
//	}
//
// Load is ReadFile + ParseConfig + glob + Parse; ParseConfig and Parse
// are pure and work on bytes, for tests and fuzzing. RewriteParams turns
// the @name parameters of a raw query into $1..$n.
//
// Hostile input is cheap to reject: files are capped at MaxFileSize,
// alias expansion at MaxNodes nodes and nesting at MaxDepth levels.
package spec
