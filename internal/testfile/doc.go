// Package testfile writes the files of a test's project tree (specs,
// cpcgen.yaml, SQL files, Markdown pages) below a temporary directory.
// Only tests import it.
package testfile
