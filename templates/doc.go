// Package templates holds the text/templates of cpcgen's non-Go
// outputs, embedded in the binary: the documentation page that
// `cpcgen docs` writes (docs.md.tmpl) and the files `cpcgen init`
// scaffolds (init/…). Go code is generated with jennifer, never from
// templates.
//
// The templates hold no logic beyond fields, conditions on fields and
// loops: everything they print is computed in Go first (the docs view
// in generator/docs, the scaffold's fields in cmd/cpcgen).
//
//	t, err := template.ParseFS(templates.FS, "docs.md.tmpl")
package templates
