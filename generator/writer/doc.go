// Package writer is the last stage of the pipeline and the only code that
// touches the output tree. Write brings a directory to a generated file
// set atomically (stage every file, then rename, then remove stale
// generated files; never touch a file without the generated-code header);
// Compare reports stale, missing and extra files with unified diffs,
// writing nothing, for `cpcgen check`.
//
//	res, err := writer.Write(root, writer.Tree{Files: files, Dirs: []string{"internal/db"}})
//	diffs, err := writer.Compare(root, tree)
package writer
