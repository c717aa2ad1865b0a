package testfile

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes data to the file name (slash-separated, relative to dir),
// making its directories; it fails t on error.
func Write(t testing.TB, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// WriteAll writes each file of files (name to content) as Write does.
func WriteAll(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		Write(t, dir, name, data)
	}
}
