// Package doccheck checks the repository's Markdown, so that the docs
// cannot rot silently: every relative link names a file that exists,
// every anchor (#section) names a heading of its target as GitHub
// numbers them, and every code block marked as an excerpt of a file
// still matches that file.
//
// It sits outside the generation pipeline; its test runs with
// go test ./... over every Markdown file of the repository:
//
//	files, err := doccheck.Files(root)     // README.md, docs/*.md, …
//	problems, err := doccheck.Check(root, files)
//	for _, p := range problems {
//		fmt.Println(p) // docs/cli.md:12: link "spec.md#queries": no heading "queries" in docs/spec.md
//	}
//
// An excerpt is a fenced code block preceded by the line
// <!-- excerpt: path/from/the/root -->; each of its lines other than
// blank lines and elisions (a line holding only "…", or "// …") must
// occur in that file, in the same order.
//
// Tests that run the SQL a guide shows take it with SQLBlock, so that the
// guide and what is tested cannot drift apart.
package doccheck
