package templates

import "embed"

// FS holds the templates, by file name: docs.md.tmpl and init/*.tmpl.
//
//go:embed docs.md.tmpl init
var FS embed.FS
